// LlmAgent running the tools its model calls: results, errors, parallel calls, tool state and
// callbacks, long loops.
import { LoopAgent, textOf } from '@rxagents/core';
import { map, NEVER, Observable, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contextFor, responses, run, testScheduler, throwingTool } from '../test/support.js';
import { agentTool } from './agentTool.js';
import { exitLoopTool } from './exitLoopTool.js';
import { functionTool } from './functionTool.js';
import { LlmAgent } from './LlmAgent.js';
import { scriptedModel } from './scriptedModel.js';
import type { Tool } from './Tool.js';
import type { ToolContext } from './ToolContext.js';

describe('LlmAgent', () => {
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
      const boom = throwingTool('boom', 'throws', 'kaput');
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
      const skip = throwingTool('skip', 'never runs', 'should have been skipped');
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

    it('runs a before-tool callback without an after-tool one, and an after-tool one alone', async () => {
      const answers = async (options: Partial<ConstructorParameters<typeof LlmAgent>[0]>) => {
        const model = scriptedModel([
          { respond: [{ functionCalls: [{ name: 'add', args: { a: 1, b: 2 } }] }, 'ok'] },
        ]);
        const agent = new LlmAgent({ name: 'a', model, tools: [add], ...options });
        const events = await run(agent.runAsync(contextFor(agent)));
        return responses(events[1]!).map((r) => r.response);
      };
      expect(await answers({ beforeToolCallback: () => ({ short: true }) })).toEqual([{ short: true }]);
      expect(await answers({ beforeToolCallback: () => undefined })).toEqual([{ result: 3 }]);
      expect(
        await answers({ afterToolCallback: (_t, _a, _c, result) => ({ ...result, after: true }) }),
      ).toEqual([{ result: 3, after: true }]);
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

  it("aborts a running tool's signal when the run is cancelled, also one the tool reads only afterwards", () => {
    const contexts: ToolContext[] = [];
    const eager: AbortSignal[] = [];
    const wait = (name: string, readNow: boolean): Tool => ({
      name,
      description: 'waits',
      declaration: { name, description: 'waits', parameters: { type: 'object' } },
      run: (_args, tool) => {
        contexts.push(tool);
        if (readNow) eager.push(tool.signal);
        return NEVER;
      },
    });
    const model = scriptedModel([{ respond: { functionCalls: [{ name: 'now' }, { name: 'later' }] } }]);
    const agent = new LlmAgent({ name: 'waiter', model, tools: [wait('now', true), wait('later', false)] });
    const subscription = agent.runAsync(contextFor(agent, { userText: 'go' })).subscribe();
    expect(contexts).toHaveLength(2);
    expect(eager[0]!.aborted).toBe(false);
    subscription.unsubscribe();
    expect(eager[0]!.aborted).toBe(true);
    expect(contexts[1]!.signal.aborted).toBe(true);
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
});
