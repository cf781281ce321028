import { Runner, text, textOf } from '@rxagents/core';
import { functionTool, LlmAgent } from '@rxagents/llm';
import { lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  chunk,
  sse,
  startServer,
  type TestServer,
  toolCallChunk,
  usageChunk,
} from '../test/openAICompatibleServer.js';
import { openAICompatibleModel } from './openAICompatibleModel.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('LlmAgent on openAICompatibleModel', () => {
  it('runs the tool the model asks for and sends its result back in the second request', async () => {
    server = await startServer((_req, res) => {
      if (server?.requests.length === 1) {
        sse(res, [
          toolCallChunk('call_7', 'get_weather', '{"city":"Oslo"}'),
          chunk({}, 'tool_calls'),
          usageChunk(30, 8),
        ]);
      } else {
        sse(res, [
          chunk({ role: 'assistant', content: 'Sunny, ' }),
          chunk({ content: '21 °C.' }),
          chunk({}, 'stop'),
        ]);
      }
    });
    const executed: string[] = [];
    const weather = functionTool({
      name: 'get_weather',
      description: 'Current weather in a city',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => {
        executed.push(city);
        return { city, sky: 'sunny', celsius: 21 };
      },
    });
    const assistant = new LlmAgent({
      name: 'assistant',
      model: openAICompatibleModel({ baseURL: server.baseURL, model: 'test-model' }),
      instruction: 'Answer weather questions.',
      tools: [weather],
      stream: true,
    });
    const runner = new Runner({ appName: 'weather', agent: assistant });

    const events = await lastValueFrom(
      runner
        .run({ userId: 'u1', sessionId: 's1', newMessage: text('Weather in Oslo?', 'user') })
        .pipe(toArray()),
    );

    expect(executed).toEqual(['Oslo']);
    expect(server.requests).toHaveLength(2);
    const second = server.requests[1]?.body;
    expect(second?.tools?.[0]?.function.name).toBe('get_weather');
    expect(second?.messages).toEqual([
      { role: 'system', content: 'Answer weather questions.' },
      { role: 'user', content: 'Weather in Oslo?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_7', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        ],
      },
      {
        role: 'tool',
        tool_call_id: 'call_7',
        content: JSON.stringify({ city: 'Oslo', sky: 'sunny', celsius: 21 }),
      },
    ]);
    const final = events.filter((e) => e.partial !== true).at(-1);
    expect(textOf(final?.content)).toBe('Sunny, 21 °C.');
    expect(events.filter((e) => e.partial === true).map((e) => textOf(e.content))).toEqual([
      'Sunny, ',
      '21 °C.',
    ]);
  });
});
