import { map, of, takeWhile } from 'rxjs';
import { match as matchValue } from 'ts-pattern';
import { describe, expect, it } from 'vitest';
import { expectError } from '../../../../test/support/expectError.js';
import { counting, testScheduler } from '../../test/graphFixtures.js';
import { collect, failedSession, rootContext, runAgent, say, sayAfter, traceOf } from '../../test/helpers.js';
import type { BaseAgent } from '../BaseAgent.js';
import type { Event } from '../Event.js';
import { GraphStepsExceededError, InvalidAgentConfigError } from '../errors.js';
import { exitLoop } from '../exitLoop.js';
import { agent } from '../FunctionAgent.js';
import { LoopAgent } from '../LoopAgent.js';
import { graph } from './graph.js';
import { END } from './graphTypes.js';

const where = map((e: Event) => `${e.author}@${e.branch}`);

/** Runs `g` in virtual time and compares its events, as `author@branch`, with the marble. */
function expectBranches(g: BaseAgent, marble: string, values: Record<string, string>): void {
  const scheduler = testScheduler();
  scheduler.run(({ expectObservable }) => {
    expectObservable(g.runAsync(rootContext(g, { scheduler })).pipe(where)).toBe(marble, values);
  });
}

describe('graph', () => {
  describe('edges', () => {
    it('direct: runs a chain one node after another, each on <graph>.<node>', () => {
      expectBranches(
        graph('g', {
          nodes: { a: sayAfter('a', 10), b: sayAfter('b', 5) },
          start: 'a',
          edges: [{ from: 'a', to: 'b' }],
        }),
        '10ms a 4ms (b|)',
        { a: 'a@g.a', b: 'b@g.b' },
      );
    });

    it('fan-out and join: arms run concurrently on their own branches, the join once after all', () => {
      expectBranches(
        graph('g', {
          nodes: { s: say('s'), a: sayAfter('a', 20), b: sayAfter('b', 10), j: say('j') },
          start: 's',
          edges: [
            { from: 's', to: ['a', 'b'] },
            { from: ['a', 'b'], to: 'j' },
          ],
        }),
        's 9ms b 9ms (aj|)',
        {
          s: 's@g.s',
          a: 'a@g.s.a',
          b: 'b@g.s.b',
          j: 'j@g.j',
        },
      );
    });

    it('join: waits for arms of different durations and lengths, and runs once', () => {
      expectBranches(
        graph('g', {
          nodes: { s: say('s'), a: sayAfter('a', 30), b: sayAfter('b', 5), c: sayAfter('c', 5), j: say('j') },
          start: 's',
          edges: [
            { from: 's', to: ['a', 'b'], as: 'fan' },
            { from: 'b', to: 'c' },
            { from: ['a', 'c'], to: 'j' },
          ],
        }),
        's 4ms b 4ms c 19ms (aj|)',
        {
          s: 's@g.s',
          a: 'a@g.fan.a',
          b: 'b@g.fan.b',
          c: 'c@g.fan.b.c',
          j: 'j@g.j',
        },
      );
    });

    it('routed: a router of the state picks the next node; a ts-pattern match works as one', () => {
      const flow = (tone: string) =>
        graph('g', {
          nodes: {
            tone: say('tone', { stateDelta: { tone } }),
            regenerate: say('regenerate'),
            publish: say('publish'),
          },
          start: 'tone',
          edges: [
            {
              from: 'tone',
              route: (s) =>
                matchValue(s.tone)
                  .with('negative', () => 'regenerate' as const)
                  .otherwise(() => 'publish' as const),
            },
          ],
        });
      expect(traceOf(flow('negative'))).toEqual(['tone@g.tone', 'regenerate@g.regenerate']);
      expect(traceOf(flow('positive'))).toEqual(['tone@g.tone', 'publish@g.publish']);
    });

    it('END: an explicit end, from a direct edge or a route, stops that path', () => {
      const g = graph('g', {
        nodes: { a: say('a'), b: say('b'), c: say('c') },
        start: 'a',
        edges: [
          { from: 'a', to: ['b', END] },
          { from: 'b', route: () => END, targets: ['c', END] },
          { from: 'c', to: END },
        ],
      });
      expect(traceOf(g)).toEqual(['a@g.a', 'b@g.b']);
    });
  });

  describe('cycles', () => {
    it('runs a bounded cycle and stamps the iteration on the second and later runs of a node', () => {
      const { events, session } = runAgent(counting(3));
      expect(events.map((e) => [e.author, e.iteration])).toEqual([
        ['count', undefined],
        ['check', undefined],
        ['count', 2],
        ['check', 2],
        ['count', 3],
        ['check', 3],
      ]);
      expect(session.state.get('n')).toBe(3);
    });

    it('passes the router the run number of its node, so a node can route differently when run again', () => {
      const g = graph('g', {
        nodes: { write: say('write'), review: say('review') },
        start: 'write',
        edges: [
          { from: 'write', route: (_s, _ctx, iteration) => (iteration === 1 ? 'review' : END) },
          { from: 'review', to: 'write' },
        ],
      });
      expect(runAgent(g).events.map((e) => `${e.author}#${e.iteration ?? 1}`)).toEqual([
        'write#1',
        'review#1',
        'write#2',
      ]);
    });

    it('fails past maxSteps with a typed error naming the graph and the last node, keeping the commits', () => {
      const ctx = rootContext(counting(100, 5));
      let failure: unknown;
      counting(100, 5)
        .runAsync(ctx)
        .subscribe({ error: (e: unknown) => (failure = e) });
      expectError(failure, GraphStepsExceededError, {
        agent: 'g',
        lastNode: 'count',
        maxSteps: 5,
        code: 'GRAPH_STEPS_EXCEEDED',
      });
      expect(ctx.session.events).toHaveLength(5);
      expect(ctx.session.state.get('n')).toBe(3);
    });

    it('an endless synchronous cycle stops when the subscriber has enough', () => {
      const g = counting(Number.POSITIVE_INFINITY, 1_000_000);
      const ctx = rootContext(g);
      expect(collect(g.runAsync(ctx).pipe(takeWhile((_, i) => i < 6)))).toHaveLength(6);
      expect(ctx.session.events).toHaveLength(7);
    });

    it('runs 10,000 instant steps of a cycle without growing the stack', () => {
      expect(runAgent(counting(5_000, 10_000)).events).toHaveLength(10_000);
    });
  });

  describe('failures', () => {
    it('fails when a router throws, keeping what the nodes before committed', () => {
      const g = graph('g', {
        nodes: { a: say('a', { stateDelta: { a: 1 } }), b: say('b') },
        start: 'a',
        edges: [
          {
            from: 'a',
            route: () => {
              throw new Error('bad router');
            },
          },
        ],
      });
      const session = failedSession(g, 'bad router');
      expect(session.events).toHaveLength(1);
      expect(session.state.get('a')).toBe(1);
    });

    it('fails with a typed error when a router returns what is not a node (untyped callers)', () => {
      const g = graph('g', {
        nodes: { a: say('a'), b: say('b') },
        start: 'a',
        edges: [{ from: 'a', route: () => 'nope' as 'b', targets: ['b'] }],
      });
      expect(() => runAgent(g)).toThrow(InvalidAgentConfigError);
      expect(() => runAgent(g)).toThrow(/'g': edges\[0\]\.route: routed 'a' to 'nope'/);
    });

    it('fails when a function node throws, keeping the commits before it', () => {
      const g = graph('g', {
        nodes: {
          a: say('a', { stateDelta: { a: 1 } }),
          b: () => {
            throw new Error('node failed');
          },
        },
        start: 'a',
        edges: [{ from: 'a', to: 'b' }],
      });
      const session = failedSession(g, 'node failed');
      expect(session.state.get('a')).toBe(1);
    });
  });

  describe('cancellation', () => {
    it('unsubscribing mid-fan-out tears every arm down and leaves no timer', () => {
      const scheduler = testScheduler();
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const a$ = cold<Event>('------|');
        const b$ = cold<Event>('----------|');
        const g = graph('g', {
          nodes: {
            s: say('s'),
            a: agent('a', () => a$),
            b: agent('b', () => b$),
            slow: sayAfter('slow', 100),
            j: say('j'),
          },
          start: 's',
          edges: [
            { from: 's', to: ['a', 'b', 'slow'] },
            { from: ['a', 'b', 'slow'], to: 'j' },
          ],
        });
        const ctx = rootContext(g, { scheduler });
        expectObservable(g.runAsync(ctx).pipe(where), '^---!').toBe('s', { s: 's@g.s' });
        expectSubscriptions(a$.subscriptions).toBe('^---!');
        expectSubscriptions(b$.subscriptions).toBe('^---!');
      });
      expect(scheduler.actions).toHaveLength(0);
    });

    it('an escalation in a node stops the enclosing loop, which cancels the graph', () => {
      const g = graph('g', {
        nodes: { a: say('a'), stop: agent('stop', (ctx) => of(exitLoop(ctx))), b: say('b') },
        start: 'a',
        edges: [
          { from: 'a', to: 'stop' },
          { from: 'stop', to: 'b' },
        ],
      });
      const outer = new LoopAgent({ name: 'outer', subAgents: [g, say('after')] });
      expect(traceOf(outer)).toEqual(['a@outer.g.a', 'stop@outer.g.stop']);
    });
  });
});
