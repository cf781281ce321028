// LlmAgent streaming partial responses, and unsubscribing from it: what is aborted, what is kept.
import { type Event, isFunctionResponsePart, textDeltas, textOf } from '@rxagents/core';
import { lastValueFrom, map, Observable, take, takeWhile, tap, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chunkMark, contextFor, pingTool, run, streamingModel, testScheduler } from '../test/support.js';
import { functionTool } from './functionTool.js';
import { LlmAgent } from './LlmAgent.js';
import type { LlmRequest, LlmResponse, Model } from './Model.js';
import { scriptedModel } from './scriptedModel.js';

function _responses(event: Event): Record<string, unknown>[] {
  return (event.content?.parts ?? []).filter(isFunctionResponsePart).map((p) => ({ ...p.functionResponse }));
}

describe('LlmAgent', () => {
  describe('streaming and cancellation', () => {
    it('emits partial chunks then the complete event, in virtual time', () => {
      testScheduler().run(({ expectObservable }) => {
        const model = streamingModel('one two three', { latency: 5, chunks: 3, chunkInterval: 10 });
        const a = new LlmAgent({ name: 'a', model, stream: true, outputKey: 'out' });
        const view = a.runAsync(contextFor(a)).pipe(map((e) => chunkMark(e, textOf(e.content))));
        expectObservable(view).toBe('5ms a 9ms b 9ms c 9ms (d|)', {
          a: 'p:one ',
          b: 'p:two ',
          c: 'p:three',
          d: 'c:one two three',
        });
      });
    });

    it("streams deltas that core's textDeltas() passes through once", async () => {
      const model = scriptedModel([{ respond: 'one two three four' }], { chunks: 4 });
      const a = new LlmAgent({ name: 'a', model, stream: true });
      const deltas = await run(a.runAsync(contextFor(a)).pipe(textDeltas()));
      expect(deltas.map((d) => d.text)).toEqual(['one ', 'two ', 'three ', 'four']);
      expect(deltas.every((d) => d.author === 'a' && d.branch === 'a')).toBe(true);
    });

    it('aborts the in-flight request on unsubscribe mid-stream and emits nothing more', () => {
      testScheduler().run(({ expectObservable, flush }) => {
        const inner = scriptedModel([{ respond: 'a b c d' }], { chunks: 4, chunkInterval: 10 });
        let signal: AbortSignal | undefined;
        const model: Model = {
          name: 'spy',
          generate: (request: LlmRequest, options) => {
            signal = options.signal;
            return inner.generate(request, options);
          },
        };
        const a = new LlmAgent({ name: 'a', model, stream: true, outputKey: 'out' });
        const ctx = contextFor(a);
        const seen: string[] = [];
        const events = a.runAsync(ctx).pipe(tap((e) => seen.push(textOf(e.content))));
        expectObservable(events.pipe(map((e) => textOf(e.content))), '^ 15ms !').toBe('a 9ms b', {
          a: 'a ',
          b: 'b ',
        });
        flush();
        expect(signal?.aborted).toBe(true);
        expect(seen).toEqual(['a ', 'b ']);
        expect(ctx.state.get('out')).toBeUndefined();
        expect(ctx.session.events).toHaveLength(0);
      });
    });

    it('stops a synchronous tool loop when a downstream takeWhile closes', async () => {
      const ping = pingTool();
      const model = scriptedModel([{ respond: { functionCalls: [{ name: 'ping' }] } }]);
      const a = new LlmAgent({ name: 'a', model, tools: [ping] });
      let n = 0;
      const events = await run(a.runAsync(contextFor(a)).pipe(takeWhile(() => ++n <= 5)));
      expect(events).toHaveLength(5);
      expect(model.requests).toHaveLength(3);
    });

    it('gives a model that reads its signal only after the run was cancelled an aborted signal', () => {
      // The AbortController is made on the first read of `signal`; cancelling before that read
      // must still reach the model.
      let options: { readonly signal: AbortSignal } | undefined;
      const model: Model = {
        name: 'late-reader',
        generate: (_request, o) => {
          options = o;
          return new Observable<LlmResponse>(() => {});
        },
      };
      const a = new LlmAgent({ name: 'a', model });
      const subscription = a.runAsync(contextFor(a)).subscribe();
      subscription.unsubscribe();
      expect(options?.signal.aborted).toBe(true);
    });

    it('keeps the signal when a wrapping model spreads the options it was given', () => {
      let seen: AbortSignal | undefined;
      const inner: Model = {
        name: 'inner',
        generate: (_request, options) => {
          seen = options.signal;
          return new Observable<LlmResponse>(() => {});
        },
      };
      const wrapper: Model = {
        name: 'wrapper',
        generate: (request, options) => inner.generate(request, { ...options, stream: false }),
      };
      const a = new LlmAgent({ name: 'a', model: wrapper });
      const subscription = a.runAsync(contextFor(a)).subscribe();
      expect(seen).toBeInstanceOf(AbortSignal);
      expect(seen?.aborted).toBe(false);
      subscription.unsubscribe();
      expect(seen?.aborted).toBe(true);
    });

    it('lists stream, scheduler and signal as the own keys of the options, and nothing else', () => {
      let keys: string[] = [];
      const model: Model = {
        name: 'keys',
        generate: (_request, options) => {
          keys = Object.keys(options);
          return new Observable<LlmResponse>(() => {});
        },
      };
      const a = new LlmAgent({ name: 'a', model });
      a.runAsync(contextFor(a)).subscribe().unsubscribe();
      expect(keys).toEqual(['stream', 'scheduler', 'signal']);
    });

    it('does not abort a request that completed', async () => {
      let signal: AbortSignal | undefined;
      const inner = scriptedModel([{ respond: 'x' }]);
      const model: Model = {
        name: 'spy',
        generate: (request, options) => {
          signal = options.signal;
          return inner.generate(request, options);
        },
      };
      const a = new LlmAgent({ name: 'a', model });
      await run(a.runAsync(contextFor(a)));
      expect(signal?.aborted).toBe(false);
    });

    it('aborts a running tool on unsubscribe', async () => {
      let toolSignal: AbortSignal | undefined;
      const hang = functionTool({
        name: 'hang',
        description: 'never answers',
        parameters: z.object({}),
        execute: (_args, tool) => {
          toolSignal = tool.signal;
          return new Observable<never>(() => undefined);
        },
      });
      const model = scriptedModel([{ respond: { functionCalls: [{ name: 'hang' }] } }]);
      const a = new LlmAgent({ name: 'a', model, tools: [hang] });
      const events = await lastValueFrom(a.runAsync(contextFor(a)).pipe(take(1), toArray()));
      expect(events).toHaveLength(1);
      // take(1) unsubscribed after the model's event, before the tool could start.
      expect(toolSignal).toBeUndefined();
      const sub = a.runAsync(contextFor(a)).subscribe();
      expect(toolSignal?.aborted).toBe(false);
      sub.unsubscribe();
      expect(toolSignal?.aborted).toBe(true);
    });

    it('assembles the complete response from the chunks when a model streams only partials', async () => {
      const model: Model = {
        name: 'partials',
        generate: () =>
          new Observable<LlmResponse>((s) => {
            s.next({ content: { role: 'model', parts: [{ text: 'he' }] }, partial: true });
            s.next({ content: { role: 'model', parts: [{ text: 'llo' }] }, partial: true });
            s.complete();
          }),
      };
      const a = new LlmAgent({ name: 'a', model, stream: true, outputKey: 'out' });
      const ctx = contextFor(a);
      const events = await run(a.runAsync(ctx));
      expect(events.map((e) => [e.partial === true, textOf(e.content)])).toEqual([
        [true, 'he'],
        [true, 'llo'],
        [false, 'hello'],
      ]);
      expect(ctx.state.get('out')).toBe('hello');
    });
  });
});
