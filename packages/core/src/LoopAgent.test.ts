import { concat, defer, of, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { collect, rootContext, runAgent, say, trace, traceOf } from '../test/helpers.js';
import { text, textOf } from './Content.js';
import { InvalidAgentConfigError } from './errors.js';
import { exitLoop } from './exitLoop.js';
import { agent } from './FunctionAgent.js';
import { LoopAgent } from './LoopAgent.js';
import { SequentialAgent } from './SequentialAgent.js';

/** Escalates on its n-th run (counted per agent instance across runs of one test). */
function escalateOn(name: string, n: number) {
  let runs = 0;
  return agent(name, (ctx) =>
    defer(() =>
      ++runs === n
        ? of(exitLoop(ctx, text(`${name} exits`)))
        : of(ctx.newEvent({ content: text(`${name} ${runs}`) })),
    ),
  );
}

describe('LoopAgent', () => {
  it.each([0, -1, 1.5, Number.NaN])(
    'rejects maxIterations %p with a typed error naming the field',
    (maxIterations) => {
      const child = say('child');
      expect(() => new LoopAgent({ name: 'refine', subAgents: [child], maxIterations })).toThrow(
        InvalidAgentConfigError,
      );
      expect(() => new LoopAgent({ name: 'refine', subAgents: [child], maxIterations })).toThrow(
        /Agent 'refine': maxIterations/,
      );
      // The rejected loop did not adopt the child.
      expect(child.parentAgent).toBeUndefined();
    },
  );

  it('completes at once with no sub-agents, even without maxIterations', () => {
    expect(runAgent(new LoopAgent({ name: 'empty' })).events).toEqual([]);
  });

  // The loop is built per case: escalateOn counts the runs of its own instance.
  it.each([
    {
      what: 'runs its sub-agents in order maxIterations times',
      loop: () =>
        new LoopAgent({ name: 'loop', subAgents: [say('critic'), say('reviser')], maxIterations: 3 }),
      trace: [
        'critic@loop.critic',
        'reviser@loop.reviser',
        'critic@loop.critic',
        'reviser@loop.reviser',
        'critic@loop.critic',
        'reviser@loop.reviser',
      ],
    },
    {
      what: 'an escalation inside a sequence stops the loop around the sequence',
      loop: () => {
        const body = new SequentialAgent({ name: 'body', subAgents: [escalateOn('check', 2), say('after')] });
        return new LoopAgent({ name: 'loop', subAgents: [body, say('tail')], maxIterations: 5 });
      },
      trace: ['check@loop.body.check', 'after@loop.body.after', 'tail@loop.tail', 'check@loop.body.check'],
    },
  ])('$what', ({ loop, trace }) => {
    expect(traceOf(loop())).toEqual(trace);
  });

  it('stops at the escalating event and cancels the rest of the iteration', () => {
    const loop = new LoopAgent({ name: 'loop', subAgents: [escalateOn('judge', 2), say('reviser')] });
    const { events } = runAgent(loop);
    expect(events.map((e) => textOf(e.content))).toEqual(['judge 1', 'reviser', 'judge exits']);
    expect(events.at(-1)?.actions.escalate).toBe(true);
  });

  it('sees the state of the previous iteration (commit rule across iterations)', () => {
    const counter = agent('counter', (ctx) =>
      of(
        ctx.newEvent({
          actions: { stateDelta: { n: ((ctx.state.get('n') as number | undefined) ?? 0) + 1 } },
        }),
      ),
    );
    const { session } = runAgent(new LoopAgent({ name: 'loop', subAgents: [counter], maxIterations: 4 }));
    expect(session.state.get('n')).toBe(4);
  });

  it('an escalation in a nested loop stops only that loop; the outer loop carries on', () => {
    const stop = agent('stop', (ctx) => of(exitLoop(ctx)));
    const inner = new LoopAgent({ name: 'inner', subAgents: [say('work'), stop] });
    const outer = new LoopAgent({ name: 'outer', subAgents: [inner, say('tick')], maxIterations: 2 });
    const { events } = runAgent(outer);
    expect(trace(events)).toEqual([
      'work@outer.inner.work',
      'stop@outer.inner.stop',
      'tick@outer.tick',
      'work@outer.inner.work',
      'stop@outer.inner.stop',
      'tick@outer.tick',
    ]);
    expect(events[1]?.actions.escalate).toBe(true);
    expect(events[4]?.actions.escalate).toBe(true);
  });

  it('runs 10,000 instant iterations without growing the stack', () => {
    const loop = new LoopAgent({ name: 'loop', subAgents: [say('tick')], maxIterations: 10_000 });
    expect(runAgent(loop).events).toHaveLength(10_000);
  });

  it('an endless loop of synchronous agents stops when the subscriber has enough', () => {
    const loop = new LoopAgent({ name: 'loop', subAgents: [say('a'), say('b')] });
    const ctx = rootContext(loop);
    expect(collect(loop.runAsync(ctx).pipe(take(5)))).toHaveLength(5);
    expect(ctx.session.events).toHaveLength(5);
  });

  it('starts each run clean: per-run state is not kept on the instance', () => {
    const loop = new LoopAgent({
      name: 'loop',
      subAgents: [agent('once', (ctx) => concat(of(ctx.newEvent({})), of(exitLoop(ctx))))],
    });
    expect(runAgent(loop).events).toHaveLength(2);
    expect(runAgent(loop).events).toHaveLength(2);
  });

  it('gives every iteration a context of its own: end() in one iteration stops that one only', () => {
    const seen: unknown[] = [];
    let runs = 0;
    const step = agent('step', (ctx) => {
      seen.push(ctx);
      const run = ++runs;
      // The first iteration ends itself after one event: its second event is never emitted.
      return concat(
        of(ctx.newEvent({ content: text(`step ${run}a`) })),
        defer(() => {
          if (run === 1) ctx.end();
          return of(ctx.newEvent({ content: text(`step ${run}b`) }));
        }),
      );
    });
    const loop = new LoopAgent({ name: 'loop', subAgents: [step], maxIterations: 3 });
    expect(runAgent(loop).events.map((e) => textOf(e.content))).toEqual([
      'step 1a',
      'step 2a',
      'step 2b',
      'step 3a',
      'step 3b',
    ]);
    expect(new Set(seen).size).toBe(3);
  });
});
