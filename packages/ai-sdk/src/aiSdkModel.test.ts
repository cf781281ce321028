// Stays one file: the contract of aiSdkModel against a real OpenAI-compatible server on loopback
// (requests, streaming, tool calls, usage, aborts, errors), every case sharing that server's
// fixtures; the LlmAgent-level cases are in LlmAgent.aiSdk.test.ts.
import type { Content } from '@rxagents/core';
import type { LlmRequest, LlmResponse, Model } from '@rxagents/llm';
import { asyncScheduler, lastValueFrom, type Observable, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chunk,
  closeStartedServers,
  completingServer,
  json,
  sse,
  stallingServer,
  startServer,
  startSse,
  type TestServer,
  toolCallChunk,
  usageChunk,
  writeSse,
} from '../test/openAICompatibleServer.js';
import { AiSdkModelError } from './AiSdkModelError.js';
import { openAICompatibleModel } from './openAICompatibleModel.js';

let server: TestServer | undefined;
afterEach(closeStartedServers);

/** The JSON Schema the structured-output tests ask for. */
const verdictSchema = {
  type: 'object',
  properties: { verdict: { type: 'string' } },
  required: ['verdict'],
} as const;

function modelOn(s: TestServer): Model {
  return openAICompatibleModel({
    baseURL: s.baseURL,
    model: 'test-model',
    apiKey: 'sk-test',
    name: 'loopback',
  });
}

function generate(model: Model, request: LlmRequest, stream: boolean, signal = new AbortController().signal) {
  return model.generate(request, { stream, signal, scheduler: asyncScheduler });
}

function collect(source: Observable<LlmResponse>): Promise<LlmResponse[]> {
  return lastValueFrom(source.pipe(toArray()));
}

const user = (text: string): Content => ({ role: 'user', parts: [{ text }] });

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
} as const;

describe('aiSdkModel over an OpenAI-compatible server', () => {
  it('streams text as partial responses, then one complete response with usage and finish reason', async () => {
    server = await startServer((_req, res) =>
      sse(res, [
        chunk({ role: 'assistant', content: 'Once ' }),
        chunk({ content: 'upon ' }),
        chunk({ content: 'a time' }),
        chunk({}, 'stop'),
        usageChunk(12, 3),
      ]),
    );
    const responses = await collect(
      generate(
        modelOn(server),
        {
          agentName: 'writer',
          systemInstruction: 'You write stories.',
          contents: [user('a fox')],
          config: { temperature: 0.2, maxOutputTokens: 64 },
        },
        true,
      ),
    );

    expect(responses).toEqual([
      { content: { role: 'model', parts: [{ text: 'Once ' }] }, partial: true },
      { content: { role: 'model', parts: [{ text: 'upon ' }] }, partial: true },
      { content: { role: 'model', parts: [{ text: 'a time' }] }, partial: true },
      {
        content: { role: 'model', parts: [{ text: 'Once upon a time' }] },
        turnComplete: true,
        finishReason: 'stop',
        usage: { inputTokens: 12, outputTokens: 3, totalTokens: 15 },
      },
    ]);
    const [request] = server.requests;
    expect(request?.url).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe('Bearer sk-test');
    expect(request?.body).toMatchObject({
      model: 'test-model',
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      max_tokens: 64,
      messages: [
        { role: 'system', content: 'You write stories.' },
        { role: 'user', content: 'a fox' },
      ],
    });
  });

  it('answers a non-streamed call with one complete response', async () => {
    server = await completingServer('The end.', { prompt: 7, completion: 2 });
    const responses = await collect(
      generate(modelOn(server), { agentName: 'writer', contents: [user('finish it')] }, false),
    );

    expect(responses).toEqual([
      {
        content: { role: 'model', parts: [{ text: 'The end.' }] },
        turnComplete: true,
        finishReason: 'stop',
        usage: { inputTokens: 7, outputTokens: 2, totalTokens: 9 },
      },
    ]);
    expect(server.requests[0]?.body.stream).not.toBe(true);
  });

  it('reports a streamed tool call and sends the function response back in the next request', async () => {
    server = await startServer((_req, res) => {
      if (server?.requests.length === 1) {
        sse(res, [
          toolCallChunk('call_42', 'get_weather', '{"ci'),
          chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Oslo"}' } }] }),
          chunk({}, 'tool_calls'),
          usageChunk(20, 5),
        ]);
      } else {
        sse(res, [chunk({ role: 'assistant', content: 'It is sunny in Oslo.' }), chunk({}, 'stop')]);
      }
    });
    const model = modelOn(server);
    const first: LlmRequest = {
      agentName: 'assistant',
      contents: [user('Weather in Oslo?')],
      tools: [weatherTool],
    };

    const firstResponses = await collect(generate(model, first, true));
    const call = firstResponses.at(-1);
    expect(firstResponses.filter((r) => r.partial === true)).toEqual([]);
    expect(call).toEqual({
      content: {
        role: 'model',
        parts: [{ functionCall: { id: 'call_42', name: 'get_weather', args: { city: 'Oslo' } } }],
      },
      turnComplete: true,
      finishReason: 'tool-calls',
      usage: { inputTokens: 20, outputTokens: 5, totalTokens: 25 },
    });
    expect(server.requests[0]?.body.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather of a city',
          parameters: weatherTool.parameters,
        },
      },
    ]);

    const second: LlmRequest = {
      ...first,
      contents: [
        ...first.contents,
        call?.content as Content,
        {
          role: 'user',
          parts: [
            {
              functionResponse: {
                id: 'call_42',
                name: 'get_weather',
                response: { sky: 'sunny', celsius: 21 },
              },
            },
          ],
        },
      ],
    };
    const final = await lastValueFrom(generate(model, second, true));

    expect(final.content).toEqual({ role: 'model', parts: [{ text: 'It is sunny in Oslo.' }] });
    const messages = server.requests[1]?.body.messages ?? [];
    expect(messages[1]).toMatchObject({
      role: 'assistant',
      tool_calls: [{ id: 'call_42', type: 'function', function: { name: 'get_weather' } }],
    });
    expect(messages[2]).toEqual({
      role: 'tool',
      tool_call_id: 'call_42',
      content: JSON.stringify({ sky: 'sunny', celsius: 21 }),
    });
  });

  it('reports calls to undeclared tools and unparseable arguments instead of failing', async () => {
    server = await startServer((_req, res) =>
      sse(res, [
        chunk({
          role: 'assistant',
          tool_calls: [
            {
              index: 0,
              id: 'call_a',
              type: 'function',
              function: { name: 'launch_rockets', arguments: '{}' },
            },
            {
              index: 1,
              id: 'call_b',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city": 4' },
            },
          ],
        }),
        chunk({}, 'tool_calls'),
      ]),
    );
    const request: LlmRequest = { agentName: 'a', contents: [user('go')], tools: [weatherTool] };
    const final = await lastValueFrom(generate(modelOn(server), request, true));

    // LlmAgent answers both with an error function response; the adapter only reports them.
    expect(final.content?.parts).toEqual([
      { functionCall: { id: 'call_a', name: 'launch_rockets', args: {} } },
      { functionCall: { id: 'call_b', name: 'get_weather', args: {} } },
    ]);
    expect(final.finishReason).toBe('tool-calls');
  });

  it('asks for JSON output when the request carries a responseSchema', async () => {
    server = await completingServer('{"verdict":"positive"}', { prompt: 5, completion: 4 });
    const [response] = await collect(
      generate(
        modelOn(server),
        { agentName: 'tone', contents: [user('rate it')], responseSchema: verdictSchema },
        false,
      ),
    );

    expect(response?.content).toEqual({ role: 'model', parts: [{ text: '{"verdict":"positive"}' }] });
    expect(server.requests[0]?.body.response_format).toMatchObject({ type: 'json_object' });
  });

  it('sends the JSON Schema itself when the server supports structured outputs', async () => {
    server = await completingServer('{"verdict":"negative"}', { prompt: 5, completion: 4 });
    const model = openAICompatibleModel({
      baseURL: server.baseURL,
      model: 'test-model',
      structuredOutputs: true,
    });
    await collect(
      generate(
        model,
        { agentName: 'tone', contents: [user('rate it')], responseSchema: verdictSchema },
        false,
      ),
    );

    expect(server.requests[0]?.body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { schema: { type: 'object', properties: { verdict: { type: 'string' } } } },
    });
  });

  it('errors with an AiSdkModelError carrying the status when the server answers HTTP 500', async () => {
    server = await startServer((_req, res) =>
      json(res, 500, { error: { message: 'model backend crashed', type: 'server_error' } }),
    );
    for (const stream of [true, false]) {
      const error = await collect(
        generate(modelOn(server), { agentName: 'a', contents: [user('hi')] }, stream),
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AiSdkModelError);
      const modelError = error as AiSdkModelError;
      expect(modelError.statusCode).toBe(500);
      expect(modelError.code).toBe('MODEL_CALL_FAILED');
      expect(modelError.message).toMatch(
        /^Model 'loopback:test-model': HTTP 500 from http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: /,
      );
      expect(modelError.message).toContain('model backend crashed');
      expect(modelError.responseBody).toContain('model backend crashed');
    }
    // maxRetries defaults to 0: one request per call, no hidden retries.
    expect(server.requests).toHaveLength(2);
  });

  it('errors with an AiSdkModelError when the stream reports an error mid-way', async () => {
    server = await startServer((_req, res) => {
      startSse(res);
      writeSse(res, chunk({ role: 'assistant', content: 'Once ' }));
      writeSse(res, { error: { message: 'out of GPU memory', type: 'server_error' } });
      res.end();
    });
    const seen: LlmResponse[] = [];
    const error = await new Promise<unknown>((resolve) => {
      generate(modelOn(server as TestServer), { agentName: 'a', contents: [user('hi')] }, true).subscribe({
        next: (r) => seen.push(r),
        error: resolve,
        complete: () => resolve(undefined),
      });
    });

    expect(seen).toEqual([{ content: { role: 'model', parts: [{ text: 'Once ' }] }, partial: true }]);
    expect(error).toBeInstanceOf(AiSdkModelError);
    expect((error as AiSdkModelError).message).toContain('out of GPU memory');
  });

  it('errors with an AiSdkModelError without status when nothing listens on the port', async () => {
    server = await startServer(() => undefined);
    const baseURL = server.baseURL;
    await server.close();
    server = undefined;
    const model = openAICompatibleModel({ baseURL, model: 'm' });

    const error = await collect(generate(model, { agentName: 'a', contents: [user('hi')] }, true)).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(AiSdkModelError);
    expect((error as AiSdkModelError).statusCode).toBeUndefined();
    expect((error as AiSdkModelError).message).toContain(baseURL);
  });

  it('closes the request socket when the subscriber unsubscribes mid-stream', async () => {
    server = await stallingServer();
    const responses: LlmResponse[] = [];
    let settled = false;
    await new Promise<void>((resolve) => {
      const subscription = generate(
        modelOn(server as TestServer),
        { agentName: 'a', contents: [user('hi')] },
        true,
      ).subscribe({
        next: (r) => {
          responses.push(r);
          subscription.unsubscribe();
          resolve();
        },
        error: () => {
          settled = true;
        },
        complete: () => {
          settled = true;
        },
      });
    });

    // The provider sees the abort: the socket of its request closes (awaited, not raced with a clock).
    await expect(server.requests[0]?.socketClosed).resolves.toBeUndefined();
    expect(responses).toEqual([{ content: { role: 'model', parts: [{ text: 'Once ' }] }, partial: true }]);
    expect(settled).toBe(false);
  });

  it('closes the request socket and errors when the caller aborts the signal mid-stream', async () => {
    server = await stallingServer();
    const controller = new AbortController();
    const error = await new Promise<unknown>((resolve) => {
      generate(
        modelOn(server as TestServer),
        { agentName: 'a', contents: [user('hi')] },
        true,
        controller.signal,
      ).subscribe({ next: () => controller.abort(), error: resolve, complete: () => resolve(undefined) });
    });

    expect(error).toBeInstanceOf(AiSdkModelError);
    expect((error as AiSdkModelError).message).toContain('aborted');
    // The provider sees the abort: the socket of its request closes (awaited, not raced with a clock).
    await expect(server.requests[0]?.socketClosed).resolves.toBeUndefined();
  });

  it('starts no request before subscription', async () => {
    server = await completingServer('x');
    const source = generate(modelOn(server), { agentName: 'a', contents: [user('hi')] }, false);
    // One request per subscription and none for the call itself: an eager request would make the
    // first count 2, and one request shared by both subscriptions would leave the second at 1.
    await lastValueFrom(source);
    expect(server.requests).toHaveLength(1);
    await lastValueFrom(source);
    expect(server.requests).toHaveLength(2);
  });
});
