import { type RxAgentsUIMessage, toUIMessageStreamResponse } from '@rxagents/ai-sdk';
import { InMemorySessionService } from '@rxagents/core';
import { LlmAgent } from '@rxagents/llm';
import { DefaultChatTransport, readUIMessageStream } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forecaster } from '../../ai-sdk/test/forecaster.js';
import { createHandler } from '../src/index.js';
import { type ServedHandler, serve } from '../src/node.js';
import { type ModelLog, slowModel } from './slowModel.js';
import { eventually } from './sse.js';

let served: ServedHandler;
let handler: ReturnType<typeof createHandler>;
let log: ModelLog;
const sessions = new InMemorySessionService();

beforeEach(async () => {
  log = { calls: 0, aborts: 0, ends: 0 };
  const writer = new LlmAgent({ name: 'writer', model: slowModel(log, 10, 50), stream: true });
  handler = createHandler({
    agents: { forecaster: forecaster(), writer },
    sessionService: sessions,
    chat: { respond: (events) => toUIMessageStreamResponse(events) },
  });
  served = await serve(handler);
});
afterEach(() => served.close());

const ask = (text: string): RxAgentsUIMessage[] => [
  { id: 'm1', role: 'user', parts: [{ type: 'text', text }] },
];

describe('the chat route (AI SDK UI message stream)', () => {
  it("streams text and a tool call that the AI SDK's DefaultChatTransport and readUIMessageStream read", async () => {
    const transport = new DefaultChatTransport<RxAgentsUIMessage>({
      api: `${served.url}/agents/forecaster/users/u1/chat`,
    });
    const stream = await transport.sendMessages({
      trigger: 'submit-message',
      chatId: 'chat-1',
      messageId: undefined,
      messages: ask('weather in Oslo?'),
      abortSignal: undefined,
    });
    const snapshots: RxAgentsUIMessage[] = [];
    for await (const m of readUIMessageStream<RxAgentsUIMessage>({ stream, terminateOnError: true }))
      snapshots.push(m);
    const last = snapshots.at(-1)!;
    expect(last.parts.find((p) => p.type === 'dynamic-tool')).toMatchObject({
      toolName: 'get_weather',
      state: 'output-available',
      output: { city: 'Oslo', sky: 'sunny' },
    });
    expect(last.parts.filter((p) => p.type === 'text').map((p) => p.text)).toEqual([
      'It is sunny in Oslo today.',
    ]);
    // Streamed: some snapshot held only part of the text.
    expect(
      snapshots.some((m) =>
        m.parts.some((p) => p.type === 'text' && p.text.length < 26 && p.text.length > 0),
      ),
    ).toBe(true);
    // The chat id is the session: the user's message, the call, the response and the answer are stored.
    const stored = await (await fetch(`${served.url}/agents/forecaster/users/u1/sessions/chat-1`)).json();
    expect(stored.events).toHaveLength(4);
  });

  it('cancels the server-side run when the client aborts (useChat Stop)', async () => {
    const transport = new DefaultChatTransport<RxAgentsUIMessage>({
      api: `${served.url}/agents/writer/users/u1/chat`,
    });
    const stop = new AbortController();
    const stream = await transport.sendMessages({
      trigger: 'submit-message',
      chatId: 'chat-2',
      messageId: undefined,
      messages: ask('write'),
      abortSignal: stop.signal,
    });
    const reader = stream.getReader();
    for (;;) {
      const { value } = await reader.read();
      if (value?.type === 'text-delta') break;
    }
    stop.abort();
    await eventually(
      async () => log.aborts,
      (n) => n === 1,
    );
    expect(handler.liveRuns()).toBe(0);
    const stored = await (await fetch(`${served.url}/agents/writer/users/u1/sessions/chat-2`)).json();
    expect(stored.events.map((e: { author: string }) => e.author)).toEqual(['user']);
    expect(stored.liveRun).toBeNull();
  });
});
