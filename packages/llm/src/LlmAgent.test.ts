import {
  type Event,
  InvalidAgentConfigError,
  type InvocationContext,
  isFunctionResponsePart,
  LoopAgent,
  ParallelAgent,
  SequentialAgent,
  textDeltas,
  textOf,
} from '@rxagents/core';
import { lastValueFrom, map, Observable, take, takeWhile, tap, timer, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contextFor, testScheduler } from '../test/support.js';
import { agentTool } from './agentTool.js';
import { LlmCallsLimitExceededError, MissingStateKeyError, OUTPUT_SCHEMA_MISMATCH } from './errors.js';
import { exitLoopTool } from './exitLoopTool.js';
import { functionTool } from './functionTool.js';
import { LlmAgent } from './LlmAgent.js';
import type { LlmRequest, LlmResponse, Model } from './Model.js';
import { scriptedModel } from './scriptedModel.js';

const run = <T>(events: Observable<T>) => lastValueFrom(events.pipe(toArray()));

function responses(event: Event): Record<string, unknown>[] {
  return (event.content?.parts ?? []).filter(isFunctionResponsePart).map((p) => ({ ...p.functionResponse }));
}

describe('LlmAgent', () => {
  describe('instruction', () => {
    it('sends the instruction templated from state to the model', async () => {
      const model = scriptedModel([{ agent: 'writer', respond: 'ok' }]);
      const writer = new LlmAgent({ name: 'writer', model, instruction: 'Write about {topic}.{style?}' });
      await run(writer.runAsync(contextFor(writer, { state: { topic: 'a fox' }, userText: 'go' })));
      expect(model.requests[0]!.systemInstruction).toBe('Write about a fox.');
      expect(model.requests[0]!.contents).toEqual([{ role: 'user', parts: [{ text: 'go' }] }]);
    });

    it('fails with MissingStateKeyError before calling the model when a required key is missing', async () => {
      const model = scriptedModel([{ respond: 'ok' }]);
      const critic = new LlmAgent({ name: 'critic', model, instruction: 'Criticise {current_story}' });
      const error = await run(critic.runAsync(contextFor(critic))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MissingStateKeyError);
      expect(error).toMatchObject({ agent: 'critic', key: 'current_story', field: 'instruction' });
      expect(model.requests).toHaveLength(0);
    });

    it('fills { customerId } (spaces inside the braces) from state, as ADK does', async () => {
      const model = scriptedModel([{ agent: 'support', respond: 'ok' }]);
      const support = new LlmAgent({ name: 'support', model, instruction: 'Look up { customerId }.' });
      await run(support.runAsync(contextFor(support, { state: { customerId: 'c-42' }, userText: 'hi' })));
      expect(model.requests[0]!.systemInstruction).toBe('Look up c-42.');
    });

    it('refuses an {artifact.…} placeholder when built, with InvalidAgentConfigError', () => {
      const model = scriptedModel([]);
      const build = () => new LlmAgent({ name: 'reader', model, instruction: 'Use {artifact.notes.txt}.' });
      expect(build).toThrow(InvalidAgentConfigError);
      expect(build).toThrow(/'reader'.*instruction/);
    });

    it('calls an instruction function with the context', async () => {
      const model = scriptedModel([{ respond: 'ok' }]);
      const a = new LlmAgent({ name: 'a', model, instruction: (ctx) => `branch ${ctx.branch}` });
      await run(a.runAsync(contextFor(a)));
      expect(model.requests[0]!.systemInstruction).toBe('branch a');
    });
  });

  describe('outputKey and outputSchema', () => {
    it('writes the final text to outputKey through the event stateDelta', async () => {
      const model = scriptedModel([{ respond: 'A fox found a lantern.' }]);
      const gen = new LlmAgent({ name: 'story_generator', model, outputKey: 'current_story' });
      const ctx = contextFor(gen);
      const events = await run(gen.runAsync(ctx));
      expect(events).toHaveLength(1);
      expect(events[0]!.actions.stateDelta).toEqual({ current_story: 'A fox found a lantern.' });
      expect(ctx.state.get('current_story')).toBe('A fox found a lantern.');
    });

    it('parses JSON matching outputSchema (fenced or not) and stores the object', async () => {
      const model = scriptedModel([{ respond: ['```json\n{"score": 4, "ok": true}\n```'] }]);
      const schema = z.object({ score: z.number(), ok: z.boolean() });
      const judge = new LlmAgent({ name: 'judge', model, outputKey: 'verdict', outputSchema: schema });
      const ctx = contextFor(judge);
      const [event] = await run(judge.runAsync(ctx));
      expect(event!.errorCode).toBeUndefined();
      expect(ctx.state.get('verdict')).toEqual({ score: 4, ok: true });
      expect(model.requests[0]!.responseSchema).toMatchObject({ type: 'object', required: ['score', 'ok'] });
    });

    it('emits an OUTPUT_SCHEMA_MISMATCH error event and leaves state untouched on malformed output', async () => {
      const schema = z.object({ score: z.number() });
      for (const reply of ['not json', '{"score": "high"}']) {
        const model = scriptedModel([{ respond: reply }]);
        const judge = new LlmAgent({
          name: 'judge',
          model,
          outputKey: 'verdict',
          outputSchema: schema,
          afterModelCallback: (cb) => {
            cb.set('seen', true);
          },
        });
        const ctx = contextFor(judge, { state: { verdict: 'old' } });
        const events = await run(judge.runAsync(ctx));
        expect(events).toHaveLength(1);
        expect(events[0]!.errorCode).toBe(OUTPUT_SCHEMA_MISMATCH);
        expect(events[0]!.errorMessage).toContain("Agent 'judge': outputSchema");
        expect(events[0]!.actions.stateDelta).toEqual({});
        expect(ctx.state.snapshot()).toEqual({ verdict: 'old' });
      }
    });
  });

  describe('tools', () => {
    const add = functionTool({
      name: 'add',
      description: 'Adds two numbers',
      parameters: z.object({ a: z.number(), b: z.number() }),
      execute: ({ a, b }) => a + b,
    });

    it('runs a called tool, sends its response back and ends with the final answer', async () => {
      const model = scriptedModel([
        {
          when: (r) => r.contents.length === 1,
          respond: { functionCalls: [{ name: 'add', args: { a: 2, b: 3 } }] },
        },
        { respond: (r) => `sum is ${JSON.stringify(r.contents.at(-1)?.parts[0])}` },
      ]);
      const calc = new LlmAgent({ name: 'calc', model, tools: [add] });
      const events = await run(calc.runAsync(contextFor(calc, { userText: 'add' })));
      expect(events).toHaveLength(3);
      expect(model.requests[0]!.tools).toEqual([
        expect.objectContaining({ name: 'add', parameters: expect.objectContaining({ type: 'object' }) }),
      ]);
      const id = (events[0]!.content!.parts[0] as { functionCall: { id: string } }).functionCall.id;
      expect(id).toMatch(/^call_/);
      expect(responses(events[1]!)).toEqual([{ id, name: 'add', response: { result: 5 } }]);
      expect(textOf(events[2]!.content)).toBe(
        `sum is ${JSON.stringify({ functionResponse: { id, name: 'add', response: { result: 5 } } })}`,
      );
    });

    it('turns bad arguments, a throwing tool, a failing Promise and an unknown tool into error responses', async () => {
      const boom = functionTool({
        name: 'boom',
        description: 'throws',
        parameters: z.object({}),
        execute: () => {
          throw new Error('kaput');
        },
      });
      const reject = functionTool({
        name: 'reject',
        description: 'rejects',
        parameters: z.object({}),
        execute: () => Promise.reject(new Error('no way')),
      });
      const model = scriptedModel([
        {
          respond: [
            {
              functionCalls: [
                { name: 'add', args: { a: 'two', b: 3 } },
                { name: 'boom' },
                { name: 'reject' },
                { name: 'nope' },
              ],
            },
            'sorry',
          ],
        },
      ]);
      const calc = new LlmAgent({ name: 'calc', model, tools: [add, boom, reject] });
      const events = await run(calc.runAsync(contextFor(calc)));
      const [bad, thrown, rejected, unknown] = responses(events[1]!).map(
        (r) => (r.response as { error: string }).error,
      );
      expect(bad).toMatch(/Invalid arguments for tool 'add'/);
      expect(bad).toMatch(/a/);
      expect(thrown).toBe('kaput');
      expect(rejected).toBe('no way');
      expect(unknown).toMatch(/Tool 'nope' not found/);
      expect(textOf(events[2]!.content)).toBe('sorry');
    });

    it('accepts Promise and Observable results', async () => {
      const viaPromise = functionTool({
        name: 'p',
        description: 'promise',
        parameters: z.object({ x: z.string() }),
        execute: async ({ x }) => ({ got: x }),
      });
      const viaObservable = functionTool({
        name: 'o',
        description: 'observable',
        parameters: z.object({}),
        execute: () => new Observable<string[]>((s) => s.next(['a', 'b'])),
      });
      const model = scriptedModel([
        { respond: [{ functionCalls: [{ name: 'p', args: { x: 'hi' } }, { name: 'o' }] }, 'done'] },
      ]);
      const a = new LlmAgent({ name: 'a', model, tools: [viaPromise, viaObservable] });
      const events = await run(a.runAsync(contextFor(a)));
      expect(responses(events[1]!).map((r) => r.response)).toEqual([{ got: 'hi' }, { result: ['a', 'b'] }]);
    });

    it('runs parallel calls concurrently and answers in one event, in call order', () => {
      const scheduler = testScheduler();
      scheduler.run(({ expectObservable }) => {
        const slow = (name: string, ms: number) =>
          functionTool({
            name,
            description: name,
            parameters: z.object({}),
            execute: (_args, tool) =>
              timer(ms, tool.invocation.scheduler).pipe(map(() => ({ name, at: ms }))),
          });
        const model = scriptedModel([
          {
            respond: [
              {
                functionCalls: [
                  { name: 'slow', id: 'c1' },
                  { name: 'fast', id: 'c2' },
                ],
              },
              'done',
            ],
          },
        ]);
        const a = new LlmAgent({ name: 'a', model, tools: [slow('slow', 30), slow('fast', 10)] });
        const ctx = contextFor(a, { scheduler });
        const view = a.runAsync(ctx).pipe(
          map(
            (e) =>
              responses(e)
                .map((r) => r.id)
                .join(',') || textOf(e.content),
          ),
        );
        // Both tools start at 0: the response event comes at 30 (not 40), in call order.
        expectObservable(view).toBe('a 29ms (bc|)', { a: '', b: 'c1,c2', c: 'done' });
      });
    });

    it('commits tool state writes with the function response and runs tool callbacks', async () => {
      const remember = functionTool({
        name: 'remember',
        description: 'stores',
        parameters: z.object({ fact: z.string() }),
        execute: ({ fact }, tool) => {
          tool.set('fact', fact);
          return { stored: true };
        },
      });
      const skip = functionTool({
        name: 'skip',
        description: 'never runs',
        parameters: z.object({}),
        execute: () => {
          throw new Error('should have been skipped');
        },
      });
      const model = scriptedModel([
        {
          respond: [
            { functionCalls: [{ name: 'remember', args: { fact: 'foxes' } }, { name: 'skip' }] },
            'ok',
          ],
        },
      ]);
      const a = new LlmAgent({
        name: 'a',
        model,
        tools: [remember, skip],
        beforeToolCallback: (tool) => (tool.name === 'skip' ? { skipped: true } : undefined),
        afterToolCallback: (_tool, _args, _ctx, result) => ({ ...result, checked: true }),
      });
      const ctx = contextFor(a);
      const events = await run(a.runAsync(ctx));
      expect(events[1]!.actions.stateDelta).toEqual({ fact: 'foxes' });
      expect(ctx.state.get('fact')).toBe('foxes');
      // The before-callback's answer replaces the 'skip' tool and still goes through the after-callback.
      expect(responses(events[1]!).map((r) => r.response)).toEqual([
        { stored: true, checked: true },
        { skipped: true, checked: true },
      ]);
    });

    it('stops the enclosing loop with exitLoopTool without asking the model to summarise', async () => {
      const model = scriptedModel([
        { agent: 'critic', respond: [{ functionCalls: [{ name: 'exit_loop' }] }] },
      ]);
      const critic = new LlmAgent({ name: 'critic', model, tools: [exitLoopTool] });
      const loop = new LoopAgent({ name: 'refine', subAgents: [critic], maxIterations: 5 });
      const events = await run(loop.runAsync(contextFor(loop)));
      expect(events).toHaveLength(2);
      expect(events[1]!.actions).toMatchObject({ escalate: true, skipSummarization: true });
      expect(model.requests).toHaveLength(1);
    });

    it('runs an agent as a tool and forwards its final text and state writes', async () => {
      const model = scriptedModel([
        { agent: 'summariser', respond: 'short version' },
        {
          agent: 'writer',
          respond: [{ functionCalls: [{ name: 'summariser', args: { request: 'long text' } }] }, 'done'],
        },
      ]);
      const summariser = new LlmAgent({
        name: 'summariser',
        description: 'Summarises',
        model,
        outputKey: 'summary',
      });
      const writer = new LlmAgent({ name: 'writer', model, tools: [agentTool(summariser)] });
      const ctx = contextFor(writer);
      const events = await run(writer.runAsync(ctx));
      expect(responses(events[1]!)[0]!.response).toEqual({ result: 'short version' });
      expect(events[1]!.actions.stateDelta).toEqual({ summary: 'short version' });
      expect(model.requests.map((r) => r.agentName)).toEqual(['writer', 'summariser', 'writer']);
      expect(model.requests[1]!.contents).toEqual([{ role: 'user', parts: [{ text: 'long text' }] }]);
      expect(ctx.session.events.map((e) => e.author)).toEqual(['writer', 'writer', 'writer']);
    });
  });

  it('runs a long synchronous tool loop without growing the stack', async () => {
    const depths: number[] = [];
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = Number.POSITIVE_INFINITY;
    try {
      const probe = functionTool({
        name: 'probe',
        description: 'records the stack depth',
        parameters: z.object({}),
        execute: () => {
          depths.push(new Error().stack?.split('\n').length ?? 0);
          return 'ok';
        },
      });
      const model = scriptedModel([
        { when: (r) => r.contents.length < 400, respond: { functionCalls: [{ name: 'probe' }] } },
        { respond: 'done' },
      ]);
      const a = new LlmAgent({ name: 'a', model, tools: [probe] });
      const events = await run(a.runAsync(contextFor(a)));
      expect(events).toHaveLength(401);
      expect(depths).toHaveLength(200);
      expect(depths[199]).toBe(depths[1]);
    } finally {
      Error.stackTraceLimit = limit;
    }
  });

  describe('construction', () => {
    it('rejects a missing model and duplicate tool names with InvalidAgentConfigError', () => {
      const options = { name: 'a' } as unknown as ConstructorParameters<typeof LlmAgent>[0];
      expect(() => new LlmAgent(options)).toThrow(expect.objectContaining({ agent: 'a', field: 'model' }));
      expect(
        () => new LlmAgent({ name: 'b', model: scriptedModel([]), tools: [exitLoopTool, exitLoopTool] }),
      ).toThrow(expect.objectContaining({ code: 'INVALID_AGENT_CONFIG', agent: 'b', field: 'tools' }));
    });
  });

  describe('model callbacks', () => {
    it('skips the model when a before-model callback answers, and lets after-model callbacks replace', async () => {
      const model = scriptedModel([{ respond: 'from model' }]);
      const cached = new LlmAgent({
        name: 'cached',
        model,
        outputKey: 'out',
        beforeModelCallback: (cb, request) => {
          cb.set('asked', request.agentName);
          return { content: { role: 'model', parts: [{ text: 'from cache' }] } };
        },
        afterModelCallback: (_cb, response) => ({
          ...response,
          content: { role: 'model', parts: [{ text: `${textOf(response.content)}!` }] },
        }),
      });
      const ctx = contextFor(cached);
      const events = await run(cached.runAsync(ctx));
      expect(model.requests).toHaveLength(0);
      expect(textOf(events[0]!.content)).toBe('from cache!');
      expect(ctx.state.snapshot()).toEqual({ asked: 'cached', out: 'from cache!' });
    });
    it('fails the run with the error of a throwing before-model callback, keeping committed state', async () => {
      const model = scriptedModel([{ agent: 'first', respond: 'one' }, { respond: 'two' }]);
      const first = new LlmAgent({ name: 'first', model, outputKey: 'first' });
      const second = new LlmAgent({
        name: 'second',
        model,
        outputKey: 'second',
        beforeModelCallback: () => {
          throw new Error('callback broke');
        },
      });
      const seq = new SequentialAgent({ name: 'seq', subAgents: [first, second] });
      const ctx = contextFor(seq);
      const error = await run(seq.runAsync(ctx)).catch((e: unknown) => e);
      expect(error).toEqual(new Error('callback broke'));
      expect(ctx.state.snapshot()).toEqual({ first: 'one' });
      expect(model.requests.map((r) => r.agentName)).toEqual(['first']);
    });
  });

  describe('streaming and cancellation', () => {
    it('emits partial chunks then the complete event, in virtual time', () => {
      testScheduler().run(({ expectObservable }) => {
        const model = scriptedModel([{ respond: 'one two three' }], {
          latency: 5,
          chunks: 3,
          chunkInterval: 10,
        });
        const a = new LlmAgent({ name: 'a', model, stream: true, outputKey: 'out' });
        const view = a
          .runAsync(contextFor(a))
          .pipe(map((e) => `${e.partial === true ? 'p' : 'c'}:${textOf(e.content)}`));
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
      const ping = functionTool({
        name: 'ping',
        description: 'ping',
        parameters: z.object({}),
        execute: () => 'pong',
      });
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

  describe('maxLlmCalls', () => {
    it('fails with LlmCallsLimitExceededError on the call over the limit, keeping earlier events', async () => {
      const ping = functionTool({
        name: 'ping',
        description: 'ping',
        parameters: z.object({}),
        execute: () => 'pong',
      });
      const model = scriptedModel([{ respond: { functionCalls: [{ name: 'ping' }] } }]);
      const a = new LlmAgent({ name: 'pinger', model, tools: [ping] });
      const ctx = contextFor(a, { runConfig: { maxLlmCalls: 2 } });
      const error = await run(a.runAsync(ctx)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LlmCallsLimitExceededError);
      expect(error).toMatchObject({
        agent: 'pinger',
        field: 'maxLlmCalls',
        limit: 2,
        code: 'LLM_CALLS_LIMIT_EXCEEDED',
      });
      expect(model.requests).toHaveLength(2);
      expect(ctx.session.events).toHaveLength(4);
    });

    it('counts calls across the agents of one invocation', async () => {
      const model = scriptedModel([{ respond: 'ok' }]);
      const a = new LlmAgent({ name: 'a', model });
      const b = new LlmAgent({ name: 'b', model });
      const seq = new SequentialAgent({ name: 'seq', subAgents: [a, b] });
      const error = await run(seq.runAsync(contextFor(seq, { runConfig: { maxLlmCalls: 1 } }))).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ agent: 'b', limit: 1 });
    });
  });

  describe('transfer', () => {
    it('offers transfer_to_agent and runs the target under its own context', async () => {
      const model = scriptedModel([
        {
          agent: 'root',
          respond: { functionCalls: [{ name: 'transfer_to_agent', args: { agent_name: 'billing' } }] },
        },
        { agent: 'billing', respond: (r) => `billing saw ${r.contents.length} contents` },
      ]);
      const billing = new LlmAgent({ name: 'billing', description: 'Handles invoices', model });
      const root = new LlmAgent({ name: 'root', model, subAgents: [billing] });
      const events = await run(root.runAsync(contextFor(root, { userText: 'my invoice' })));
      expect(events.map((e) => `${e.author}@${e.branch}`)).toEqual([
        'root@root',
        'root@root',
        'billing@root.billing',
      ]);
      expect(events[1]!.actions.transferToAgent).toBe('billing');
      expect(model.requests[0]!.tools?.map((t) => t.name)).toEqual(['transfer_to_agent']);
      expect(model.requests[0]!.systemInstruction).toContain('Agent name: billing');
      // billing sees the user's message and root's call and response (as context).
      expect(model.requests[1]!.contents).toHaveLength(3);
      expect(model.requests[1]!.contents[1]).toEqual({
        role: 'user',
        parts: [
          { text: 'For context:' },
          { text: '[root] called tool `transfer_to_agent` with parameters: {"agent_name":"billing"}' },
        ],
      });
      expect(textOf(events[2]!.content)).toBe('billing saw 3 contents');
    });

    it('answers an unknown transfer target with an error response', async () => {
      const model = scriptedModel([
        {
          agent: 'root',
          respond: [
            { functionCalls: [{ name: 'transfer_to_agent', args: { agent_name: 'ghost' } }] },
            'fine',
          ],
        },
      ]);
      const root = new LlmAgent({
        name: 'root',
        model,
        subAgents: [new LlmAgent({ name: 'billing', model })],
      });
      const events = await run(root.runAsync(contextFor(root)));
      expect(responses(events[1]!)[0]!.response).toEqual({
        error: "Unknown agent 'ghost'; transfer to one of: billing",
      });
      expect(events[1]!.actions.transferToAgent).toBeUndefined();
      expect(textOf(events[2]!.content)).toBe('fine');
    });

    it('lists parent and peers under an LlmAgent parent unless disallowed', () => {
      const model = scriptedModel([]);
      const a = new LlmAgent({ name: 'a', model });
      const b = new LlmAgent({ name: 'b', model, disallowTransferToParent: true });
      const c = new LlmAgent({ name: 'c', model, disallowTransferToPeers: true });
      const root = new LlmAgent({ name: 'root', model, subAgents: [a, b, c] });
      expect(a.transferTargets.map((t) => t.name)).toEqual(['root', 'b', 'c']);
      expect(b.transferTargets.map((t) => t.name)).toEqual(['a', 'c']);
      expect(c.transferTargets.map((t) => t.name)).toEqual(['root']);
      expect(root.transferTargets.map((t) => t.name)).toEqual(['a', 'b', 'c']);
      const x = new LlmAgent({ name: 'x', model });
      new SequentialAgent({ name: 'seq', subAgents: [x, new LlmAgent({ name: 'y', model })] });
      expect(x.transferTargets).toEqual([]);
    });

    it('can transfer back into an agent already running (re-entrancy)', async () => {
      const model = scriptedModel([
        {
          agent: 'root',
          respond: [
            { functionCalls: [{ name: 'transfer_to_agent', args: { agent_name: 'helper' } }] },
            'root again',
          ],
        },
        {
          agent: 'helper',
          respond: { functionCalls: [{ name: 'transfer_to_agent', args: { agent_name: 'root' } }] },
        },
      ]);
      const helper = new LlmAgent({ name: 'helper', model });
      const root = new LlmAgent({ name: 'root', model, subAgents: [helper] });
      const events = await run(root.runAsync(contextFor(root)));
      expect(events.map((e) => e.branch)).toEqual([
        'root',
        'root',
        'root.helper',
        'root.helper',
        'root.helper.root',
      ]);
      expect(textOf(events.at(-1)!.content)).toBe('root again');
    });
  });

  describe('history', () => {
    it('hides the other branches of an enclosing parallel run, from this run and earlier ones', async () => {
      const model = scriptedModel([
        { agent: 'a', respond: 'a answers' },
        { agent: 'b', respond: 'b answers' },
      ]);
      const a = new LlmAgent({ name: 'a', model });
      const b = new LlmAgent({ name: 'b', model });
      const par = new ParallelAgent({ name: 'par', subAgents: [a, b] });
      const ctx = contextFor(par, { userText: 'hello' });
      const say = (branch: string, author: string, words: string) =>
        ctx.session.commit(
          ctx.newEvent({ author, branch, content: { role: 'model', parts: [{ text: words }] } }),
        );
      say('root', 'root', 'from root');
      say('par', 'par', 'from par');
      say('par.b', 'b', 'from b earlier');
      say('par.a', 'a', 'from a earlier');
      say('par.ab', 'ab', 'not a prefix path');
      await run(par.runAsync(ctx));
      const texts = (i: number) =>
        model.requests[i]!.contents.map((c) => c.parts.map((p) => ('text' in p ? p.text : '')).join(' '));
      expect(texts(0)).toEqual([
        'hello',
        'For context: [root] said: from root',
        'For context: [par] said: from par',
        'from a earlier',
      ]);
      expect(texts(1)).toEqual([
        'hello',
        'For context: [root] said: from root',
        'For context: [par] said: from par',
        'from b earlier',
      ]);
    });

    it("shows sequential siblings each other's replies", async () => {
      const model = scriptedModel([
        { agent: 'a', respond: 'a answers' },
        { agent: 'b', respond: 'b answers' },
      ]);
      const a = new LlmAgent({ name: 'a', model });
      const b = new LlmAgent({ name: 'b', model });
      const seq = new SequentialAgent({ name: 'seq', subAgents: [a, b] });
      const ctx = contextFor(seq, { userText: 'hello' });
      await run(seq.runAsync(ctx));
      expect(
        model.requests[1]!.contents.map((c) => c.parts.map((p) => ('text' in p ? p.text : '')).join(' ')),
      ).toEqual(['hello', 'For context: [a] said: a answers']);
    });

    it("with includeContents 'none' sends only the current turn", async () => {
      const model = scriptedModel([{ respond: 'ok' }]);
      const a = new LlmAgent({ name: 'a', model, includeContents: 'none' });
      const ctx = contextFor(a, { userText: 'old question' });
      ctx.session.commit(
        ctx.newEvent({
          author: 'a',
          branch: 'a',
          content: { role: 'model', parts: [{ text: 'old answer' }] },
        }),
      );
      ctx.session.commit(
        ctx.newEvent({ author: 'user', branch: '', content: { role: 'user', parts: [{ text: 'new' }] } }),
      );
      await run(a.runAsync(ctx));
      expect(model.requests[0]!.contents).toEqual([{ role: 'user', parts: [{ text: 'new' }] }]);
    });

    // ADK Java's ContentsTest processRequest_includeContentsNone_* (ADK Python's and adk-js's
    // _get_current_turn_contents / getCurrentTurnContents draw the turn the same way).
    describe("includeContents 'none' (ADK's current turn)", () => {
      const model = scriptedModel([{ respond: 'ok' }]);
      const say = (ctx: InvocationContext, author: string, words: string) =>
        ctx.session.commit(
          ctx.newEvent({
            author,
            branch: author === 'user' ? '' : author,
            content: { role: author === 'user' ? 'user' : 'model', parts: [{ text: words }] },
          }),
        );
      const contentsOf = async (events: (ctx: InvocationContext) => void) => {
        const a = new LlmAgent({ name: 'a', model, includeContents: 'none' });
        const ctx = contextFor(a);
        events(ctx);
        const before = model.requests.length;
        await run(a.runAsync(ctx));
        return model.requests[before]!.contents;
      };

      it('starts the turn at the last user message (lastEventIsUser)', async () => {
        const contents = await contentsOf((ctx) => {
          say(ctx, 'user', 'Turn 1');
          say(ctx, 'a', 'Reply 1');
          say(ctx, 'user', 'Turn 2');
        });
        expect(contents).toEqual([{ role: 'user', parts: [{ text: 'Turn 2' }] }]);
      });

      it("starts the turn at another agent's last event (lastEventIsOtherAgent)", async () => {
        const contents = await contentsOf((ctx) => {
          say(ctx, 'user', 'Turn 1');
          say(ctx, 'a', 'Reply 1');
          say(ctx, 'other_agent', 'Other Agent Turn');
        });
        expect(contents).toEqual([
          {
            role: 'user',
            parts: [{ text: 'For context:' }, { text: '[other_agent] said: Other Agent Turn' }],
          },
        ]);
      });

      it('sends no history when this agent wrote every event (noUserMessage)', async () => {
        const contents = await contentsOf((ctx) => {
          say(ctx, 'a', 'Reply 1');
          ctx.session.commit(
            ctx.newEvent({
              author: 'a',
              branch: 'a',
              content: { role: 'model', parts: [{ functionCall: { id: 'call1', name: 'tool1', args: {} } }] },
            }),
          );
          ctx.session.commit(
            ctx.newEvent({
              author: 'a',
              branch: 'a',
              content: {
                role: 'user',
                parts: [{ functionResponse: { id: 'call1', name: 'tool1', response: {} } }],
              },
            }),
          );
        });
        expect(contents).toEqual([]);
      });

      it("keeps this agent's own events after the turn's start", async () => {
        const contents = await contentsOf((ctx) => {
          say(ctx, 'user', 'Query 1');
          say(ctx, 'a', 'thinking');
        });
        expect(contents.map((c) => c.parts)).toEqual([[{ text: 'Query 1' }], [{ text: 'thinking' }]]);
      });

      it('starts the turn at a user event without content (a state-only message): nothing before it', async () => {
        const contents = await contentsOf((ctx) => {
          say(ctx, 'user', 'old question');
          say(ctx, 'a', 'old answer');
          ctx.session.commit(ctx.newEvent({ author: 'user', branch: '', actions: { stateDelta: { k: 1 } } }));
        });
        expect(contents).toEqual([]);
      });
    });
  });

  it('ends on an error response from the model', async () => {
    const model = scriptedModel([]);
    const a = new LlmAgent({ name: 'lost', model, outputKey: 'out' });
    const ctx = contextFor(a, { userText: 'hi' });
    const events = await run(a.runAsync(ctx));
    expect(events).toHaveLength(1);
    expect(events[0]!.errorCode).toBe('SCRIPT_NO_MATCH');
    expect(events[0]!.errorMessage).toContain("agent 'lost'");
    expect(ctx.state.get('out')).toBeUndefined();
  });
});
