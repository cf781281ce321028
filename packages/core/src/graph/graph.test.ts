import {
  concat,
  defer as deferStream,
  firstValueFrom,
  lastValueFrom,
  map,
  of,
  takeWhile,
  throwError,
  toArray,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { match as matchValue } from 'ts-pattern';
import { describe, expect, it } from 'vitest';
import { collect, rootContext, runAgent, say, sayAfter, trace } from '../../test/helpers.js';
import type { BaseAgent } from '../BaseAgent.js';
import type { Event } from '../Event.js';
import {
  AgentTimeoutError,
  GraphStepsExceededError,
  InvalidAgentConfigError,
  StateSchemaError,
} from '../errors.js';
import { exitLoop } from '../exitLoop.js';
import { agent } from '../FunctionAgent.js';
import { InMemorySessionService } from '../InMemorySessionService.js';
import { LoopAgent } from '../LoopAgent.js';
import { Runner } from '../Runner.js';
import { SequentialAgent } from '../SequentialAgent.js';
import type { State } from '../StateStore.js';
import { graph } from './graph.js';
import { END, type NodeFn } from './graphTypes.js';

const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const where = map((e: Event) => `${e.author}@${e.branch}`);
const increment: NodeFn = (s) => ({ n: Number(s.n ?? 0) + 1 });

/** A graph that counts `n` up and routes back to `count` until `n` reaches `until`. */
function counting(until: number, maxSteps?: number) {
  return graph('g', {
    nodes: { count: increment, check: say('check') },
    start: 'count',
    edges: [
      { from: 'count', to: 'check' },
      { from: 'check', route: (s) => (Number(s.n) < until ? 'count' : END) },
    ],
    ...(maxSteps === undefined ? {} : { maxSteps }),
  });
}

describe('graph', () => {
  describe('edges', () => {
    it('direct: runs a chain one node after another, each on <graph>.<node>', () => {
      const scheduler = testScheduler();
      scheduler.run(({ expectObservable }) => {
        const g = graph('g', {
          nodes: { a: sayAfter('a', 10), b: sayAfter('b', 5) },
          start: 'a',
          edges: [{ from: 'a', to: 'b' }],
        });
        const ctx = rootContext(g, { scheduler });
        expectObservable(g.runAsync(ctx).pipe(where)).toBe('10ms a 4ms (b|)', { a: 'a@g.a', b: 'b@g.b' });
      });
    });

    it('fan-out and join: arms run concurrently on their own branches, the join once after all', () => {
      const scheduler = testScheduler();
      scheduler.run(({ expectObservable }) => {
        const g = graph('g', {
          nodes: { s: say('s'), a: sayAfter('a', 20), b: sayAfter('b', 10), j: say('j') },
          start: 's',
          edges: [
            { from: 's', to: ['a', 'b'] },
            { from: ['a', 'b'], to: 'j' },
          ],
        });
        const ctx = rootContext(g, { scheduler });
        expectObservable(g.runAsync(ctx).pipe(where)).toBe('s 9ms b 9ms (aj|)', {
          s: 's@g.s',
          a: 'a@g.s.a',
          b: 'b@g.s.b',
          j: 'j@g.j',
        });
      });
    });

    it('join: waits for arms of different durations and lengths, and runs once', () => {
      const scheduler = testScheduler();
      scheduler.run(({ expectObservable }) => {
        const g = graph('g', {
          nodes: { s: say('s'), a: sayAfter('a', 30), b: sayAfter('b', 5), c: sayAfter('c', 5), j: say('j') },
          start: 's',
          edges: [
            { from: 's', to: ['a', 'b'], as: 'fan' },
            { from: 'b', to: 'c' },
            { from: ['a', 'c'], to: 'j' },
          ],
        });
        const ctx = rootContext(g, { scheduler });
        expectObservable(g.runAsync(ctx).pipe(where)).toBe('s 4ms b 4ms c 19ms (aj|)', {
          s: 's@g.s',
          a: 'a@g.fan.a',
          b: 'b@g.fan.b',
          c: 'c@g.fan.b.c',
          j: 'j@g.j',
        });
      });
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
      expect(trace(runAgent(flow('negative')).events)).toEqual(['tone@g.tone', 'regenerate@g.regenerate']);
      expect(trace(runAgent(flow('positive')).events)).toEqual(['tone@g.tone', 'publish@g.publish']);
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
      expect(trace(runAgent(g).events)).toEqual(['a@g.a', 'b@g.b']);
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
      expect(failure).toBeInstanceOf(GraphStepsExceededError);
      expect(failure).toMatchObject({
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
      const ctx = rootContext(g);
      expect(() => collect(g.runAsync(ctx))).toThrow('bad router');
      expect(ctx.session.events).toHaveLength(1);
      expect(ctx.session.state.get('a')).toBe(1);
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
      const ctx = rootContext(g);
      expect(() => collect(g.runAsync(ctx))).toThrow('node failed');
      expect(ctx.session.state.get('a')).toBe(1);
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
      expect(trace(runAgent(outer).events)).toEqual(['a@outer.g.a', 'stop@outer.g.stop']);
    });
  });

  describe('state schema', () => {
    const positive = (s: State) =>
      typeof s.n === 'number' && s.n < 0 ? { key: 'n', message: 'must be >= 0' } : undefined;

    it('refuses a delta that fails it: a typed error naming node and key, nothing committed', () => {
      const g = graph('g', {
        nodes: {
          ok: say('ok', { stateDelta: { n: 1 } }),
          bad: say('bad', { stateDelta: { n: -1, other: 1 } }),
        },
        start: 'ok',
        edges: [{ from: 'ok', to: 'bad' }],
        state: positive,
      });
      const ctx = rootContext(g);
      expect(() => collect(g.runAsync(ctx))).toThrow(StateSchemaError);
      expect(() => collect(g.runAsync(rootContext(g)))).toThrow(
        "Agent 'g': node 'bad': stateDelta['n']: must be >= 0",
      );
      expect(ctx.session.events.map((e) => e.author)).toEqual(['ok']);
      expect(ctx.session.state.snapshot()).toEqual({ n: 1 });
    });

    it('accepts a Standard Schema, checking only the keys the delta writes and no app:/user:/temp: key', () => {
      const schema = {
        '~standard': {
          version: 1 as const,
          vendor: 'test',
          validate: (value: unknown) => {
            const state = value as Record<string, unknown>;
            const issues = Object.keys(state)
              .filter((key) => typeof state[key] !== 'number')
              .map((key) => ({ message: 'must be a number', path: [key] }));
            return issues.length === 0 ? { value } : { issues };
          },
        },
      };
      const g = graph('g', {
        nodes: {
          scoped: say('scoped', { stateDelta: { 'temp:x': 'free', 'app:y': 'free' } }),
          good: say('good', { stateDelta: { n: 1 } }),
          bad: say('bad', { stateDelta: { label: 'text' } }),
        },
        start: 'scoped',
        edges: [
          { from: 'scoped', to: 'good' },
          { from: 'good', to: 'bad' },
        ],
        state: schema,
      });
      // A key written before the graph ran that fails the schema is not the graph's nodes' fault.
      const ctx = rootContext(g, { state: { legacy: 'text' } });
      let failure: unknown;
      g.runAsync(ctx).subscribe({ error: (e: unknown) => (failure = e) });
      expect(failure).toMatchObject({ node: 'bad', key: 'label', graph: 'g' });
      expect(ctx.session.events.map((e) => e.author)).toEqual(['scoped', 'good']);
    });

    it('checks the commits of agents nested inside a node, and names the node', () => {
      const inner = new SequentialAgent({
        name: 'inner',
        subAgents: [say('deep', { stateDelta: { n: -5 } })],
      });
      const g = graph('g', { nodes: { step: inner }, start: 'step', state: positive });
      expect(() => runAgent(g)).toThrow("node 'step': stateDelta['n']");
    });

    it('rejects a schema that validates asynchronously', () => {
      const schema = {
        '~standard': { version: 1 as const, vendor: 'test', validate: () => Promise.resolve({ value: {} }) },
      };
      const g = graph('g', { nodes: { a: say('a', { stateDelta: { n: 1 } }) }, start: 'a', state: schema });
      expect(() => runAgent(g)).toThrow(/'g': state: the state schema must validate synchronously/);
    });
  });

  describe('node options', () => {
    it('compile to timeout, retry and fallback', () => {
      let attempts = 0;
      const flaky = agent('flaky', (ctx) =>
        deferStream(() => (++attempts < 3 ? throwError(() => new Error('flaky')) : of(ctx.newEvent({})))),
      );
      const scheduler = testScheduler();
      scheduler.run(({ expectObservable }) => {
        const g = graph('g', {
          nodes: {
            flaky: { run: flaky, retry: 2 },
            slow: { run: sayAfter('slow', 100), timeout: 10, fallback: say('backup') },
          },
          start: 'flaky',
          edges: [{ from: 'flaky', to: 'slow' }],
        });
        const ctx = rootContext(g, { scheduler });
        expectObservable(
          g.runAsync(ctx).pipe(map((e) => `${e.author}@${e.branch}:${e.errorCode ?? ''}`)),
        ).toBe('f 9ms (eb|)', { f: 'flaky@g.flaky:', e: 'slow@g.slow:AGENT_TIMEOUT', b: 'backup@g.backup:' });
      });
      expect(attempts).toBe(3);
      void AgentTimeoutError;
    });
  });

  describe('as an agent', () => {
    it('nests in sequences and loops, and holds them as nodes', () => {
      const body = graph('g', {
        nodes: {
          seq: new SequentialAgent({ name: 'seq', subAgents: [say('x')] }),
          loop: new LoopAgent({ name: 'loop', subAgents: [say('y')], maxIterations: 2 }),
        },
        start: 'seq',
        edges: [{ from: 'seq', to: 'loop' }],
      });
      const root = new LoopAgent({ name: 'root', subAgents: [body], maxIterations: 2 });
      expect(trace(runAgent(root).events)).toEqual([
        'x@root.g.seq.x',
        'y@root.g.loop.y',
        'y@root.g.loop.y',
        'x@root.g.seq.x',
        'y@root.g.loop.y',
        'y@root.g.loop.y',
      ]);
    });

    it('puts a node whose agent has another name on <graph>.<node>.<agent>, and finds its agents', () => {
      const critic = say('critic');
      const g = graph('g', {
        nodes: { review: critic, again: critic },
        start: 'review',
        edges: [{ from: 'review', to: 'again' }],
      });
      expect(trace(runAgent(g).events)).toEqual(['critic@g.review.critic', 'critic@g.again.critic']);
      expect(g.findAgent('critic')).toBe(critic);
      expect(critic.parentAgent).toBeUndefined();
    });

    it('starts each run clean: step and iteration counts live in the subscription', () => {
      const g = counting(2, 4);
      expect(runAgent(g).events).toHaveLength(4);
      expect(runAgent(g).events).toHaveLength(4);
    });

    it('re-entrancy: a node may run the graph again through its context', () => {
      let depth = 0;
      const node = agent('node', (ctx) =>
        deferStream(() => (++depth < 3 ? outer.runAsync(ctx) : of(ctx.newEvent({})))),
      );
      const outer: BaseAgent = graph('g', { nodes: { node }, start: 'node' });
      expect(trace(runAgent(outer).events)).toEqual(['node@g.node.g.node.g.node']);
    });

    it('runs through the Runner and resumes after a crash with resume: true, each event once', async () => {
      let crashes = 0;
      const crash = agent('crash', (ctx) =>
        ++crashes === 1 ? throwError(() => new Error('worker died')) : of(ctx.newEvent({})),
      );
      const g = graph('g', {
        nodes: { count: increment, crash, check: say('check') },
        start: 'count',
        edges: [
          { from: 'count', to: 'check' },
          { from: 'check', route: (s) => (Number(s.n) === 2 ? 'crash' : Number(s.n) < 3 ? 'count' : END) },
          { from: 'crash', to: 'count' },
        ],
      });
      const service = new InMemorySessionService();
      const runner = new Runner({ appName: 'app', agent: g, sessionService: service });
      const request = { userId: 'u1', sessionId: 's1', newMessage: 'go', invocationId: 'job-1' };
      await expect(lastValueFrom(runner.run(request))).rejects.toThrow('worker died');
      const events = await lastValueFrom(runner.run({ ...request, resume: true }).pipe(toArray()));
      expect(events.map((e) => [e.author, e.iteration])).toEqual([
        ['count', undefined],
        ['check', undefined],
        ['count', 2],
        ['check', 2],
        ['crash', undefined],
        ['count', 3],
        ['check', 3],
      ]);
      const session = await firstValueFrom(
        service.getSession({ appName: 'app', userId: 'u1', sessionId: 's1' }),
      );
      expect(session?.events.map((e) => e.author)).toEqual(['user', ...events.map((e) => e.author)]);
      expect(new Set(session?.events.map((e) => e.id)).size).toBe(session?.events.length);
      expect(session?.state.get('n')).toBe(3);
    });
  });

  describe('construction', () => {
    it('rejects an unknown node in start or edges, naming the field (for untyped callers)', () => {
      const nodes = { a: say('a') };
      expect(() => graph('g', { nodes, start: 'b' as 'a' })).toThrow(/'g': start: 'b' is not a node/);
      expect(() => graph('g', { nodes, start: 'a', edges: [{ from: 'a', to: ['x' as 'a'] }] })).toThrow(
        /'g': edges\[0\]\.to\[0\]: 'x' is not a node/,
      );
    });

    it('rejects a cycle of direct edges, allows a routed one', () => {
      const nodes = { a: say('a'), b: say('b') };
      expect(() =>
        graph('g', {
          nodes,
          start: 'a',
          edges: [
            { from: 'a', to: 'b' },
            { from: 'b', to: 'a' },
          ],
        }),
      ).toThrow(/a cycle of direct edges never ends: a → b → a/);
      expect(() =>
        graph('g', {
          nodes,
          start: 'a',
          edges: [
            { from: 'a', to: 'b' },
            { from: 'b', route: () => 'a', targets: ['a', END] },
          ],
        }),
      ).not.toThrow();
    });

    it('rejects a node no edge reaches, unless a router did not declare its targets', () => {
      const nodes = { a: say('a'), orphan: say('orphan') };
      expect(() => graph('g', { nodes, start: 'a' })).toThrow(
        /'g': nodes\.orphan: no edge reaches it from 'a'/,
      );
      expect(() => graph('g', { nodes, start: 'a', edges: [{ from: 'a', route: () => END }] })).not.toThrow();
    });

    it('rejects maxSteps below 1 and a node name that is not an identifier', () => {
      expect(() => graph('g', { nodes: { a: say('a') }, start: 'a', maxSteps: 0 })).toThrow(/'g': maxSteps/);
      expect(() => graph('g', { nodes: { 'a-b': say('a') }, start: 'a-b' })).toThrow(/'g': nodes\.a-b/);
    });
  });

  it('toMermaid draws nodes, joins, direct and routed edges, start and end', () => {
    const g = graph('g', {
      nodes: { s: say('s'), a: say('a'), b: say('b'), j: say('j') },
      start: 's',
      edges: [
        { from: 's', to: ['a', 'b'] },
        { from: ['a', 'b'], to: 'j' },
        { from: 'j', route: (st) => (st.done === true ? END : 's'), targets: ['s', END] },
      ],
    });
    expect(g.toMermaid()).toBe(
      [
        'flowchart TD',
        '  __start__([start])',
        '  s[s]',
        '  a[a]',
        '  b[b]',
        '  j{{j}}',
        '  __end__([end])',
        '  __start__ --> s',
        '  s --> a',
        '  s --> b',
        '  a --> j',
        '  b --> j',
        '  j -. route .-> s',
        '  j -. route .-> __end__',
      ].join('\n'),
    );
  });
});

void concat;
