// The graph as an agent: state schema, node options, nesting, the Runner, construction, Mermaid.
import { defer as deferStream, firstValueFrom, lastValueFrom, map, of, throwError, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { counting, increment, testScheduler } from '../../test/graphFixtures.js';
import { collect, rootContext, runAgent, say, sayAfter, trace } from '../../test/helpers.js';
import type { BaseAgent } from '../BaseAgent.js';
import { InvalidAgentOutputError, StateSchemaError } from '../errors.js';
import { agent } from '../FunctionAgent.js';
import { InMemorySessionService } from '../InMemorySessionService.js';
import { LoopAgent } from '../LoopAgent.js';
import { Runner } from '../Runner.js';
import { SequentialAgent } from '../SequentialAgent.js';
import type { State } from '../StateStore.js';
import { graph } from './graph.js';
import { END, type GraphEdge } from './graphTypes.js';

describe('graph', () => {
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

    it('refuses an event whose iteration is not a run number (>= 2), naming the field; nothing committed', () => {
      const bad = agent('bad', (ctx) => of(ctx.newEvent({ iteration: 0 })));
      const g = graph('g', { nodes: { bad }, start: 'bad' });
      const ctx = rootContext(g);
      expect(() => collect(g.runAsync(ctx))).toThrow(InvalidAgentOutputError);
      expect(() => collect(g.runAsync(rootContext(g)))).toThrow(/iteration/);
      expect(ctx.session.events).toHaveLength(0);
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
      const aThenB = (back: GraphEdge<'a' | 'b'>) => () =>
        graph('g', { nodes, start: 'a', edges: [{ from: 'a', to: 'b' }, back] });
      expect(aThenB({ from: 'b', to: 'a' })).toThrow(/a cycle of direct edges never ends: a → b → a/);
      expect(aThenB({ from: 'b', route: () => 'a', targets: ['a', END] })).not.toThrow();
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
