import { text } from '@rxagents/core';
import type { GenerateOptions, LlmRequest, LlmResponse } from '@rxagents/llm';
import { describe, expect, it } from 'vitest';
import { marbleModel } from './marbleModel.js';
import { testScheduler } from './testScheduler.js';

const request: LlmRequest = { agentName: 'writer', contents: [text('a story', 'user')] };

function optionsOf(scheduler: GenerateOptions['scheduler'], stream: boolean): GenerateOptions {
  return { stream, scheduler, signal: new AbortController().signal };
}

describe('marbleModel', () => {
  it('streams text chunks as partial responses, then the whole text at |', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const model = marbleModel('---a-b|', { a: 'Once upon ', b: 'a time' });
      expectObservable(model.generate(request, optionsOf(scheduler, true))).toBe('---a-b(c|)', {
        a: { content: text('Once upon '), partial: true },
        b: { content: text('a time'), partial: true },
        c: { content: text('Once upon a time'), turnComplete: true, finishReason: 'stop' },
      } satisfies Record<string, LlmResponse>);
    });
  });

  it('answers only with the complete response, at |, when not streaming', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const model = marbleModel('---a-b|', { a: 'Once upon ', b: 'a time' });
      expectObservable(model.generate(request, optionsOf(scheduler, false))).toBe('------(c|)', {
        c: { content: text('Once upon a time'), turnComplete: true, finishReason: 'stop' },
      });
    });
  });

  it('emits LlmResponse values as they are, partial ones only when streaming', () => {
    const scheduler = testScheduler();
    const call = {
      content: { role: 'model', parts: [{ functionCall: { name: 'search', args: {} } }] },
    } as const;
    scheduler.run(({ expectObservable }) => {
      const model = marbleModel('-p-(t|)', { p: { content: text('thinking'), partial: true }, t: call });
      expectObservable(model.generate(request, optionsOf(scheduler, false))).toBe('---(t|)', { t: call });
      expectObservable(model.generate(request, optionsOf(scheduler, true))).toBe('-p-(t|)', {
        p: { content: text('thinking'), partial: true },
        t: call,
      });
    });
  });

  it('answers call after call from a list of marbles and records each call', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const model = marbleModel(['-(a|)', '--(b|)'], { a: 'first', b: 'second' });
      expectObservable(model.generate(request, optionsOf(scheduler, false))).toBe('-(a|)', {
        a: { content: text('first'), turnComplete: true, finishReason: 'stop' },
      });
      cold('-----x').subscribe(() => {
        model.generate(request, optionsOf(scheduler, false)).subscribe();
      });
      cold('----------x').subscribe(() => {
        model
          .generate(request, optionsOf(scheduler, false))
          .subscribe({ error: (e: unknown) => errors.push(e) });
      });
      const errors: unknown[] = [];
      scheduler.flush();
      expect(model.calls.map((c) => c.at)).toEqual([0, 5, 10]);
      expect(model.calls[0]).toMatchObject({ request, stream: false });
      expect(errors).toEqual([new Error('marbleModel: call 3 but only 2 answers were scripted')]);
    });
  });

  it('chooses the marble with a function of the request and call index', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const model = marbleModel(
        (req, call) => (req.agentName === 'writer' && call === 0 ? '--(w|)' : '(x|)'),
        {
          w: 'hello',
        },
      );
      expectObservable(model.generate(request, optionsOf(scheduler, false))).toBe('--(w|)', {
        w: { content: text('hello'), turnComplete: true, finishReason: 'stop' },
      });
    });
  });

  it('fails the call at # and cancels pending frames on unsubscribe', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const failing = marbleModel('--#', {}, { error: new Error('rate limited'), name: 'flaky' });
      expect(failing.name).toBe('flaky');
      expectObservable(failing.generate(request, optionsOf(scheduler, true))).toBe(
        '--#',
        undefined,
        new Error('rate limited'),
      );
      const slow = marbleModel('-----a|');
      expectObservable(slow.generate(request, optionsOf(scheduler, true)), '^--!').toBe('---');
    });
    expect(scheduler.actions).toEqual([]);
  });
});
