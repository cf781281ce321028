// Each lesson of ../shared/notes/peer-lessons-graph.md (what broke in ADK JS 2.0.0's graph
// Workflow) as a test of ours.
import { defer as deferStream, map, type Observable, of, take, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { increment, revisiting, testScheduler } from '../../test/graphFixtures.js';
import { collect, rootContext, runAgent, say, sayAfter, trace } from '../../test/helpers.js';
import { text } from '../Content.js';
import type { Event } from '../Event.js';
import { StateConflictError } from '../errors.js';
import { agent } from '../FunctionAgent.js';
import { InMemorySessionService } from '../InMemorySessionService.js';
import type { InvocationContext } from '../InvocationContext.js';
import { Runner } from '../Runner.js';
import { SequentialAgent } from '../SequentialAgent.js';
import { graph } from './graph.js';
import { END } from './graphTypes.js';

/** Reads `n` when it starts, writes `n + 1` after `ms`: a read-modify-write spread over time. */
function slowIncrement(name: string, ms: number) {
  return agent(name, (ctx) =>
    deferStream(() => {
      const read = Number(ctx.state.get('n') ?? 0);
      return timer(ms, ctx.scheduler).pipe(
        map(() => ctx.newEvent({ actions: { stateDelta: { n: read + 1 } } })),
      );
    }),
  );
}

describe('graph: lessons from ADK JS 2.0.0', () => {
  it('cycles are visible: a node run again carries its iteration, also on events of agents inside it', () => {
    const body = new SequentialAgent({ name: 'body', subAgents: [say('inner')] });
    const g = graph('g', {
      nodes: { body, count: increment },
      start: 'body',
      edges: [
        { from: 'body', to: 'count' },
        { from: 'count', route: (s) => (Number(s.n) < 3 ? 'body' : END) },
      ],
    });
    const { events } = runAgent(g);
    expect(events.map((e) => `${e.author}@${e.branch}#${e.iteration ?? 1}`)).toEqual([
      'inner@g.body.inner#1',
      'count@g.count#1',
      'inner@g.body.inner#2',
      'count@g.count#2',
      'inner@g.body.inner#3',
      'count@g.count#3',
    ]);
  });

  it('a join counts the arms of the current pass only: uneven arms in a cycle fire it once per pass', () => {
    const scheduler = testScheduler();
    scheduler.run(({ flush }) => {
      const g = graph('g', {
        nodes: {
          s: increment,
          short: sayAfter('short', 1),
          long1: sayAfter('long1', 5),
          long2: sayAfter('long2', 5),
          j: say('j'),
        },
        start: 's',
        edges: [
          { from: 's', to: ['short', 'long1'] },
          { from: 'long1', to: 'long2' },
          { from: ['short', 'long2'], to: 'j' },
          { from: 'j', route: (st) => (Number(st.n) < 3 ? 's' : END) },
        ],
      });
      const ctx = rootContext(g, { scheduler });
      const events: Event[] = [];
      let completed = false;
      g.runAsync(ctx).subscribe({ next: (e) => events.push(e), complete: () => (completed = true) });
      flush();
      expect(completed).toBe(true);
      expect(events.filter((e) => e.author === 'j').map((e) => [e.timestamp, e.iteration])).toEqual([
        [10, undefined],
        [20, 2],
        [30, 3],
      ]);
    });
  });

  it('an arm that loops before reaching the join does not fire it early', () => {
    const scheduler = testScheduler();
    scheduler.run(({ flush }) => {
      const tick = agent('tick', (ctx) =>
        timer(10, ctx.scheduler).pipe(
          map(() =>
            ctx.newEvent({ actions: { stateDelta: { ticks: Number(ctx.state.get('ticks') ?? 0) + 1 } } }),
          ),
        ),
      );
      const g = graph('g', {
        nodes: { s: say('s'), quick: say('quick'), tick, j: say('j') },
        start: 's',
        edges: [
          { from: 's', to: ['quick', 'tick'] },
          { from: 'tick', route: (st) => (Number(st.ticks) < 3 ? 'tick' : 'j') },
          // A join edge is also a direct edge from each of its predecessors: tick reaches j by its route.
          { from: ['quick'], to: 'j' },
        ],
      });
      const ctx = rootContext(g, { scheduler });
      const events = collectAsync(g.runAsync(ctx));
      flush();
      expect(events.map((e) => `${e.author}@${e.timestamp}`)).toEqual([
        's@0',
        'quick@0',
        'tick@10',
        'tick@20',
        'tick@30',
        'j@30',
      ]);
    });
  });

  it('an arm that takes another route does not leave the join waiting: it fires for the arms that came', () => {
    const g = graph('g', {
      nodes: { s: say('s'), a: say('a'), b: say('b'), j: say('j') },
      start: 's',
      edges: [
        { from: 's', to: ['a', 'b'] },
        { from: 'b', to: END },
        { from: ['a'], to: 'j' },
      ],
    });
    expect(trace(runAgent(g).events)).toEqual(['s@g.s', 'a@g.s.a', 'b@g.s.b', 'j@g.j']);
  });

  it('concurrent writes are not lost silently: every overwrite between arms is reported', () => {
    const scheduler = testScheduler();
    scheduler.run(({ flush }) => {
      const arms = ['a', 'b', 'c', 'd', 'e', 'f'] as const;
      const nodes = Object.fromEntries(arms.map((k, i) => [k, slowIncrement(k, i + 1)]));
      const g = graph('g', {
        nodes: { s: say('s'), ...nodes, j: say('j') },
        start: 's',
        edges: [
          { from: 's', to: [...arms] as never },
          { from: [...arms] as never, to: 'j' },
        ],
      });
      const ctx = rootContext(g, { scheduler });
      const events = collectAsync(g.runAsync(ctx));
      flush();
      // Every arm read n = 0 before any wrote: the increments collide, and each collision is reported.
      expect(ctx.session.state.get('n')).toBe(1);
      expect(events.filter((e) => e.stateConflicts !== undefined)).toHaveLength(5);
      expect(events[2]?.stateConflicts).toEqual([{ key: 'n', previousBranch: 'g.s.a', branch: 'g.s.b' }]);
    });
  });

  it("synchronous arms read each other's committed writes: six increments make six", () => {
    const arms = ['a', 'b', 'c', 'd', 'e', 'f'];
    const nodes = Object.fromEntries(arms.map((k) => [k, increment]));
    const g = graph('g', {
      nodes: { s: say('s'), ...nodes },
      start: 's',
      edges: [{ from: 's', to: arms as never }],
    });
    const { session } = runAgent(g);
    expect(session.state.get('n')).toBe(6);
  });

  it("concurrent writes fail the run with onConflict: 'error', keeping the first write", () => {
    const g = graph('g', {
      nodes: { s: say('s'), a: say('a', { stateDelta: { k: 1 } }), b: say('b', { stateDelta: { k: 2 } }) },
      start: 's',
      edges: [{ from: 's', to: ['a', 'b'] }],
      onConflict: 'error',
    });
    const ctx = rootContext(g);
    expect(() => collect(g.runAsync(ctx))).toThrow(StateConflictError);
    expect(ctx.session.state.get('k')).toBe(1);
  });

  it('deltas are committed in emission order: the last write wins and every read is fresh', () => {
    const scheduler = testScheduler();
    scheduler.run(({ flush }) => {
      const writer = (name: string, values: readonly number[], gap: number) =>
        agent(name, (ctx) =>
          timer(gap, gap, ctx.scheduler).pipe(
            take(values.length),
            map((i) => ctx.newEvent({ actions: { stateDelta: { v: values[i]! } } })),
          ),
        );
      const g = graph('g', {
        nodes: { s: say('s'), a: writer('a', [1, 3], 2), b: writer('b', [2, 4], 3) },
        start: 's',
        edges: [{ from: 's', to: ['a', 'b'] }],
      });
      const ctx = rootContext(g, { scheduler });
      const seen = collectAsync(g.runAsync(ctx));
      flush();
      const values = seen.slice(1).map((e) => e.actions.stateDelta.v);
      expect(values).toEqual([1, 2, 3, 4]);
      expect(seen.slice(1).map((_, i) => ctx.session.stateAt(i + 1).v)).toEqual([1, 2, 3, 4]);
      expect(ctx.session.state.get('v')).toBe(4);
    });
  });

  it('a nested fan-out gives each arm its own branch at any depth, and arms do not see each other', () => {
    const visible: Record<string, string[]> = {};
    const look = (name: string) =>
      agent(name, (ctx: InvocationContext) =>
        deferStream(() => {
          visible[name] = ctx.session.events.filter((e) => ctx.canSee(e)).map((e) => e.author);
          return of(ctx.newEvent({ content: text(name) }));
        }),
      );
    const g = graph('g', {
      nodes: { s: say('s'), a: say('a'), b: look('b'), x: look('x'), y: look('y'), j: say('j') },
      start: 's',
      edges: [
        { from: 's', to: ['a', 'b'] },
        { from: 'a', to: ['x', 'y'] },
        { from: ['x', 'y'], to: 'j' },
      ],
    });
    expect(trace(runAgent(g).events)).toEqual([
      's@g.s',
      'a@g.s.a',
      'x@g.s.a.x',
      'y@g.s.a.y',
      'j@g.s.a.j',
      'b@g.s.b',
    ]);
    expect(visible.x).toEqual(['s', 'a']);
    expect(visible.y).toEqual(['s', 'a']);
    expect(visible.b).toEqual(['s']);
  });

  it('stopping stops: unsubscribing mid-cycle runs no further node and leaves no timer', () => {
    const scheduler = testScheduler();
    const { graph: g, visits } = revisiting(50);
    scheduler.run(({ expectObservable }) => {
      const ctx = rootContext(g, { scheduler });
      expectObservable(g.runAsync(ctx).pipe(map((e) => e.author)), '^ 34ms !').toBe('10ms v 9ms v 9ms v', {
        v: 'visit',
      });
    });
    expect(visits()).toBe(4);
    expect(scheduler.actions).toHaveLength(0);
  });

  it('stopping stops: aborting the signal given to runner.run ends a cycle and commits nothing more', () => {
    const scheduler = testScheduler();
    const { graph: g, visits } = revisiting();
    const appended: string[] = [];
    scheduler.run(({ flush }) => {
      const sessionService = new InMemorySessionService();
      const runner = new Runner({ appName: 'app', agent: g, sessionService, scheduler });
      const controller = new AbortController();
      runner
        .run({ userId: 'u', sessionId: 's', newMessage: 'go', signal: controller.signal })
        .subscribe((e) => appended.push(e.author));
      scheduler.schedule(() => controller.abort(), 25);
      flush();
    });
    expect(appended).toEqual(['visit', 'visit']);
    expect(visits()).toBe(3);
    expect(scheduler.actions).toHaveLength(0);
  });

  it('merging without a join runs the merge node once per arm, concurrently, on each arm', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const g = graph('g', {
        nodes: { s: say('s'), a: say('a'), b: say('b'), m: sayAfter('m', 10) },
        start: 's',
        edges: [
          { from: 's', to: ['a', 'b'] },
          { from: 'a', to: 'm' },
          { from: 'b', to: 'm' },
        ],
      });
      const ctx = rootContext(g, { scheduler });
      expectObservable(g.runAsync(ctx).pipe(map((e) => `${e.author}@${e.branch}#${e.iteration ?? 1}`))).toBe(
        '(sab) 5ms (xy|)',
        { s: 's@g.s#1', a: 'a@g.s.a#1', b: 'b@g.s.b#1', x: 'm@g.s.a.m#1', y: 'm@g.s.b.m#2' },
      );
    });
  });
});

function collectAsync(events: Observable<Event>): Event[] {
  const out: Event[] = [];
  events.subscribe({ next: (e) => out.push(e) });
  return out;
}
