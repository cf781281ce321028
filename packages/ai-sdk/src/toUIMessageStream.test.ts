import { agent, InvalidStateError, Runner, sequence, text } from '@rxagents/core';
import { readUIMessageStream } from 'ai';
import { type Observable, of, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defined } from '../../../test/support/defined.js';
import { forecaster } from '../test/forecaster.js';
import { type RxAgentsUIMessage, type RxAgentsUIMessageChunk, toUIMessageStream } from './index.js';

// The AI SDK's own client-side reader folds the chunks into the UI message useChat would show.
async function lastMessage(chunks: Observable<RxAgentsUIMessageChunk>): Promise<RxAgentsUIMessage> {
  const stream = new ReadableStream<RxAgentsUIMessageChunk>({
    start(controller) {
      chunks.subscribe({ next: (c) => controller.enqueue(c), complete: () => controller.close() });
    },
  });
  let last: RxAgentsUIMessage | undefined;
  for await (const message of readUIMessageStream<RxAgentsUIMessage>({ stream, terminateOnError: true }))
    last = message;
  return defined(last, 'no message');
}

describe('toUIMessageStream', () => {
  it('gives readUIMessageStream the streamed text, the tool call with its output, and data parts', async () => {
    const runner = new Runner({
      appName: 'ui',
      agent: forecaster({ userText: /weather/, outputKey: 'answer' }),
    });
    const events = runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'weather in Oslo?' });
    const chunks: RxAgentsUIMessageChunk[] = [];
    const message = await lastMessage(events.pipe(toUIMessageStream({ messageId: 'm1' })));
    expect(message.id).toBe('m1');
    const tool = message.parts.find((p) => p.type === 'dynamic-tool');
    expect(tool).toMatchObject({
      toolName: 'get_weather',
      state: 'output-available',
      input: { city: 'Oslo' },
      output: { city: 'Oslo', sky: 'sunny' },
    });
    const texts = message.parts.filter((p) => p.type === 'text');
    expect(texts.map((p) => p.text)).toEqual(['It is sunny in Oslo today.']);
    expect(texts[0]).toMatchObject({ state: 'done' });
    const agents = message.parts.filter((p) => p.type === 'data-agent').map((p) => p.data);
    expect(agents[0]).toMatchObject({ author: 'forecaster', branch: 'forecaster' });
    const states = message.parts.filter((p) => p.type === 'data-state').map((p) => p.data.delta);
    expect(states).toEqual([{ answer: 'It is sunny in Oslo today.' }]);
    // The streamed text arrives in more than one delta, inside one text block.
    await new Promise<void>((done) =>
      runner
        .run({ userId: 'u1', sessionId: 's2', newMessage: 'weather in Oslo?' })
        .pipe(toUIMessageStream())
        .subscribe({ next: (c) => chunks.push(c), complete: done }),
    );
    const types = chunks.map((c) => c.type);
    expect(types[0]).toBe('start');
    expect(types.at(-1)).toBe('finish');
    expect(types.filter((t) => t === 'text-delta').length).toBeGreaterThan(1);
    expect(types.filter((t) => t === 'text-start')).toHaveLength(1);
    expect(types.filter((t) => t === 'start-step')).toHaveLength(
      types.filter((t) => t === 'finish-step').length,
    );
  });

  it('starts a step with its own data-agent part at each change of author or branch', async () => {
    const a = agent('a', (ctx) => of(ctx.newEvent({ content: text('from a') })));
    const b = agent('b', (ctx) => of(ctx.newEvent({ content: text('from b') })));
    const chunks: RxAgentsUIMessageChunk[] = [];
    const runner = new Runner({ appName: 'x', agent: sequence('flow', [a, b]) });
    await new Promise<void>((done) =>
      runner
        .run({ userId: 'u', sessionId: 's', newMessage: 'go' })
        .pipe(toUIMessageStream())
        .subscribe({ next: (c) => chunks.push(c), complete: done }),
    );
    const authors = chunks.flatMap((c) => (c.type === 'data-agent' ? [c.data.author] : []));
    expect(authors).toEqual(['a', 'b']);
    expect(chunks.filter((c) => c.type === 'start-step')).toHaveLength(2);
  });

  it('ends with an error chunk naming the typed error, and hides any other error', async () => {
    const typed = await collect(
      throwError(() => new InvalidStateError('w', '__proto__', '__proto__', 'reserved key')),
    );
    expect(typed.at(-1)).toEqual({
      type: 'error',
      errorText: expect.stringContaining("INVALID_STATE: Agent 'w'"),
    });
    const other = await collect(throwError(() => new Error('secret at /srv/app.ts:12')));
    expect(other.at(-1)).toEqual({ type: 'error', errorText: 'the run failed' });
  });
});

async function collect(events: Observable<never>): Promise<RxAgentsUIMessageChunk[]> {
  const out: RxAgentsUIMessageChunk[] = [];
  await new Promise<void>((done) =>
    events.pipe(toUIMessageStream()).subscribe({ next: (c) => out.push(c), complete: done }),
  );
  return out;
}
