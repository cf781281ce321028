import { text } from '@rxagents/core';
import { asyncScheduler, lastValueFrom, map, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { chunkMark, streamingModel, testScheduler } from '../test/support.js';
import type { LlmRequest, LlmResponse } from './Model.js';
import { SCRIPT_NO_MATCH, scriptedModel } from './scriptedModel.js';

const request = (agentName: string, user = '', systemInstruction?: string): LlmRequest => ({
  agentName,
  contents: user === '' ? [] : [text(user, 'user')],
  ...(systemInstruction === undefined ? {} : { systemInstruction }),
});

const options = { stream: false, signal: new AbortController().signal, scheduler: asyncScheduler };

const ask = (
  model: ReturnType<typeof scriptedModel>,
  r: LlmRequest,
  stream = false,
): Promise<LlmResponse[]> => lastValueFrom(model.generate(r, { ...options, stream }).pipe(toArray()));

const textOfAll = (responses: LlmResponse[]) =>
  responses.map((r) => (r.content?.parts ?? []).map((p) => ('text' in p ? p.text : '')).join(''));

describe('scriptedModel', () => {
  it('matches on agent name, instruction, last user text and predicate, first rule first', async () => {
    const model = scriptedModel([
      { agent: 'critic', respond: 'critic rule' },
      { instruction: 'polite', respond: 'instruction rule' },
      { userText: /weather in (\w+)/, respond: (_r, { lastUserText }) => `user rule: ${lastUserText}` },
      { when: (r) => r.contents.length === 0, respond: { json: { empty: true } } },
    ]);
    expect(textOfAll(await ask(model, request('critic', 'weather in Oslo')))).toEqual(['critic rule']);
    expect(textOfAll(await ask(model, request('x', '', 'be polite')))).toEqual(['instruction rule']);
    expect(textOfAll(await ask(model, request('x', 'weather in Oslo')))).toEqual([
      'user rule: weather in Oslo',
    ]);
    expect(textOfAll(await ask(model, request('x')))).toEqual(['{"empty":true}']);
    expect(model.requests.map((r) => r.agentName)).toEqual(['critic', 'x', 'x', 'x']);
  });

  it('gives the n-th reply of a list to the n-th match, then stops matching that rule', async () => {
    const model = scriptedModel([
      { agent: 'tone_check', respond: ['negative', 'positive'] },
      { respond: 'fallback' },
    ]);
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(...textOfAll(await ask(model, request('tone_check'))));
    expect(answers).toEqual(['negative', 'positive', 'fallback']);
  });

  it('answers function calls and errors', async () => {
    const model = scriptedModel([
      { agent: 'a', respond: { functionCalls: [{ name: 'f', args: { x: 1 } }], text: 'calling' } },
      { agent: 'b', respond: { error: { code: 'RATE_LIMIT', message: 'slow down' } } },
    ]);
    expect((await ask(model, request('a')))[0]).toEqual({
      content: {
        role: 'model',
        parts: [{ text: 'calling' }, { functionCall: { name: 'f', args: { x: 1 } } }],
      },
      finishReason: 'tool-calls',
      turnComplete: true,
    });
    expect((await ask(model, request('b')))[0]).toMatchObject({
      errorCode: 'RATE_LIMIT',
      errorMessage: 'slow down',
    });
  });

  it('answers an unmatched request with a SCRIPT_NO_MATCH error naming agent and user text', async () => {
    const [response] = await ask(scriptedModel([{ agent: 'a', respond: 'x' }]), request('b', 'hello there'));
    expect(response!.errorCode).toBe(SCRIPT_NO_MATCH);
    expect(response!.errorMessage).toBe(
      'scriptedModel: no rule matches the request of agent \'b\' (last user text: "hello there")',
    );
  });

  it('streams chunks with latency in virtual time, and does not stream when not asked', () => {
    testScheduler().run(({ expectObservable }) => {
      const model = streamingModel('the quick brown fox', { latency: 3, chunks: 2, chunkInterval: 4 });
      const view = (stream: boolean) =>
        model
          .generate(request('a'), { ...options, stream, scheduler: asyncScheduler })
          .pipe(map((r) => chunkMark(r, textOfAll([r])[0])));
      expectObservable(view(true)).toBe('3ms a 3ms b 3ms (c|)', {
        a: 'p:the quick ',
        b: 'p:brown fox',
        c: 'c:the quick brown fox',
      });
      expectObservable(view(false)).toBe('3ms (c|)', { c: 'c:the quick brown fox' });
    });
  });
});
