import { concat, defer, map, NEVER, Observable, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { collect, rootContext, runAgent, say, sayAfter, trace, traceOf } from '../test/helpers.js';
import { testScheduler } from '../test/marbles.js';
import type { Event } from './Event.js';
import { InvalidAgentConfigError, StateConflictError } from './errors.js';
import { exitLoop } from './exitLoop.js';
import { agent } from './FunctionAgent.js';
import type { InvocationContext } from './InvocationContext.js';
import { LoopAgent } from './LoopAgent.js';
import { ParallelAgent } from './ParallelAgent.js';
import { SequentialAgent } from './SequentialAgent.js';

describe('ParallelAgent', () => {
  it.each([0, 1.5, -2])('rejects concurrency %p naming the field', (concurrency) => {
    const child = say('a');
    expect(() => new ParallelAgent({ name: 'fan', subAgents: [child], concurrency })).toThrow(
      InvalidAgentConfigError,
    );
    expect(() => new ParallelAgent({ name: 'fan', subAgents: [child], concurrency })).toThrow(
      /'fan': concurrency/,
    );
    expect(child.parentAgent).toBeUndefined();
  });

  it('completes at once with no sub-agents', () => {
    expect(runAgent(new ParallelAgent({ name: 'fan' })).events).toEqual([]);
  });

  it('puts each child on its own branch', () => {
    const fan = new ParallelAgent({ name: 'fan', subAgents: [say('a'), say('b')] });
    const root = new SequentialAgent({ name: 'root', subAgents: [fan] });
    expect(traceOf(root)).toEqual(['a@root.fan.a', 'b@root.fan.b']);
  });

  it('merges branches in virtual-time order: a 0-frame branch before a 500-frame one', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const fan = new ParallelAgent({ name: 'fan', subAgents: [sayAfter('slow', 500), sayAfter('fast', 0)] });
      const ctx = rootContext(fan, { scheduler });
      expectObservable(fan.runAsync(ctx).pipe(authorOf())).toBe('f 499ms (s|)', { f: 'fast', s: 'slow' });
    });
  });

  it('runs at most `concurrency` branches at once', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const fan = new ParallelAgent({
        name: 'fan',
        subAgents: [sayAfter('a', 10), sayAfter('b', 10), sayAfter('c', 10)],
        concurrency: 2,
      });
      const ctx = rootContext(fan, { scheduler });
      expectObservable(fan.runAsync(ctx).pipe(authorOf())).toBe('10ms (ab) 6ms (c|)', {
        a: 'a',
        b: 'b',
        c: 'c',
      });
    });
  });

  it('reports a key written by two branches of one run; the later write wins', () => {
    const fan = new ParallelAgent({
      name: 'fan',
      subAgents: [say('a', { stateDelta: { k: 'a', onlyA: 1 } }), say('b', { stateDelta: { k: 'b' } })],
    });
    const { events, session } = runAgent(fan);
    expect(events[0]?.stateConflicts).toBeUndefined();
    expect(events[1]?.stateConflicts).toEqual([{ key: 'k', previousBranch: 'fan.a', branch: 'fan.b' }]);
    expect(session.state.snapshot()).toEqual({ k: 'b', onlyA: 1 });
    // The session holds the annotated event.
    expect(session.events[1]).toBe(events[1]);
  });

  it('does not report one branch overwriting its own key, nor a key written before the run', () => {
    const twice = agent('twice', (ctx) =>
      of(
        ctx.newEvent({ actions: { stateDelta: { k: 1 } } }),
        ctx.newEvent({ actions: { stateDelta: { k: 2 } } }),
      ),
    );
    const fan = new ParallelAgent({
      name: 'fan',
      subAgents: [twice, say('other', { stateDelta: { pre: 2 } })],
    });
    const { events } = runAgent(fan, { pre: 1 });
    expect(events.every((e) => e.stateConflicts === undefined)).toBe(true);
  });

  it('reports a key held before the run once two branches wrote it, after new keys of both', () => {
    const fan = new ParallelAgent({
      name: 'fan',
      subAgents: [
        agent('a', (ctx) =>
          of(
            ctx.newEvent({ actions: { stateDelta: { fresh: 'a' } } }),
            ctx.newEvent({ actions: { stateDelta: { pre: 'a' } } }),
          ),
        ),
        agent('b', (ctx) =>
          of(
            ctx.newEvent({ actions: { stateDelta: { fresh: 'b' } } }),
            ctx.newEvent({ actions: { stateDelta: { pre: 'b' } } }),
          ),
        ),
      ],
    });
    const { events, session } = runAgent(fan, { pre: 'before' });
    expect(events.map((e) => e.stateConflicts?.map((c) => `${c.key}:${c.previousBranch}`))).toEqual([
      undefined,
      undefined,
      ['fresh:fan.a'],
      ['pre:fan.a'],
    ]);
    expect(session.state.snapshot()).toEqual({ pre: 'b', fresh: 'b' });
  });

  it('does not report a write of a key removed since another branch wrote it: nothing is overwritten', () => {
    const fan = new ParallelAgent({
      name: 'fan',
      subAgents: [
        say('a', { stateDelta: { k: 'a' } }),
        agent('b', (ctx) =>
          defer(() => {
            ctx.state.remove(['k']);
            return of(ctx.newEvent({ actions: { stateDelta: { k: 'b' } } }));
          }),
        ),
      ],
    });
    const { events, session } = runAgent(fan);
    expect(events.every((e) => e.stateConflicts === undefined)).toBe(true);
    expect(session.state.snapshot()).toEqual({ k: 'b' });
  });

  it("fails with StateConflictError under onConflict 'error', leaving the first write committed", () => {
    const fan = new ParallelAgent({
      name: 'fan',
      onConflict: 'error',
      subAgents: [say('a', { stateDelta: { k: 'a' } }), say('b', { stateDelta: { k: 'b' } })],
    });
    const ctx = rootContext(fan);
    let error: unknown;
    fan.runAsync(ctx).subscribe({ error: (e: unknown) => (error = e) });
    expect(error).toBeInstanceOf(StateConflictError);
    expect(error).toMatchObject({ agent: 'fan', field: 'k', branches: ['fan.a', 'fan.b'] });
    expect(ctx.session.state.snapshot()).toEqual({ k: 'a' });
  });

  it('tracks conflicts per run: a second run starts clean', () => {
    const fan = new ParallelAgent({ name: 'fan', subAgents: [say('a', { stateDelta: { k: 1 } })] });
    const loop = new LoopAgent({ name: 'loop', subAgents: [fan], maxIterations: 2 });
    expect(runAgent(loop).events.every((e) => e.stateConflicts === undefined)).toBe(true);
  });

  it('stops the slower siblings at the frame of an unconsumed escalation', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const torn: string[] = [];
      const escalating = agent('esc', (ctx) => concat(sayAfterObs(ctx, 20), of(exitLoop(ctx))));
      const slow = agent('slow', () => new Observable<Event>(() => () => torn.push('slow torn down')));
      const fan = new ParallelAgent({ name: 'fan', subAgents: [escalating, slow, sayAfter('late', 50)] });
      const ctx = rootContext(fan, { scheduler });
      expectObservable(fan.runAsync(ctx).pipe(authorOf())).toBe('20ms (ee|)', { e: 'esc' });
      scheduler.flush();
      expect(torn).toEqual(['slow torn down']);
    });
  });

  it('an escalation consumed by a loop inside one branch does not stop the siblings', () => {
    const inner = new LoopAgent({ name: 'inner', subAgents: [agent('stop', (ctx) => of(exitLoop(ctx)))] });
    const fan = new ParallelAgent({ name: 'fan', subAgents: [inner, say('sibling')] });
    expect(traceOf(fan)).toEqual(['stop@fan.inner.stop', 'sibling@fan.sibling']);
  });

  it('an unconsumed escalation in a branch stops the enclosing loop', () => {
    let iterations = 0;
    const counting = agent('count', (ctx) =>
      defer(() => {
        iterations++;
        return of(ctx.newEvent({}));
      }),
    );
    const fan = new ParallelAgent({
      name: 'fan',
      subAgents: [agent('stop', (ctx) => of(exitLoop(ctx))), agent('never', () => NEVER)],
    });
    const loop = new LoopAgent({ name: 'loop', subAgents: [counting, fan], maxIterations: 5 });
    const ctx = rootContext(loop);
    expect(trace(collect(loop.runAsync(ctx)))).toEqual(['count@loop.count', 'stop@loop.fan.stop']);
    expect(iterations).toBe(1);
  });
});

function authorOf() {
  return map((e: Event) => e.author);
}

function sayAfterObs(ctx: InvocationContext, ms: number): Observable<Event> {
  return new Observable<Event>((subscriber) =>
    ctx.scheduler.schedule(() => {
      subscriber.next(ctx.newEvent({}));
      subscriber.complete();
    }, ms),
  );
}
