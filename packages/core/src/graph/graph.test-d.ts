import { match as matchValue } from 'ts-pattern';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AgentOperator,
  agent,
  type BaseAgent,
  defer,
  END,
  type GraphAgent,
  graph,
  mergeWith,
  type Route,
  repeat,
  type State,
} from '../index.js';

const a = agent('a', null as never);
const nodes = { draft: a, review: a, count: (s: State) => ({ n: Number(s.n ?? 0) + 1 }) };

describe('graph types', () => {
  it('returns a GraphAgent and types routers by the node names', () => {
    const g = graph('g', {
      nodes,
      start: 'draft',
      edges: [
        { from: 'draft', to: ['review', 'count'] },
        { from: ['review', 'count'], to: 'draft' },
        { from: 'draft', route: (s) => (s.done === true ? END : 'review') },
        {
          from: 'review',
          route: (s) =>
            matchValue(s.tone)
              .with('negative', () => 'draft' as const)
              .otherwise(() => END),
        },
      ],
    });
    expectTypeOf(g).toEqualTypeOf<GraphAgent>();
    expectTypeOf<Route<'x'>>().toEqualTypeOf<'x' | '$end' | readonly ('x' | '$end')[]>();
  });

  it('catches a misspelled node name in start, from, to, a join and a route', () => {
    // @ts-expect-error 'drat' is not a node
    graph('g', { nodes, start: 'drat' });
    // @ts-expect-error 'reveiw' is not a node
    graph('g', { nodes, start: 'draft', edges: [{ from: 'reveiw', to: 'draft' }] });
    // @ts-expect-error 'reveiw' is not a node
    graph('g', { nodes, start: 'draft', edges: [{ from: 'draft', to: ['reveiw'] }] });
    // @ts-expect-error 'cont' is not a node
    graph('g', { nodes, start: 'draft', edges: [{ from: ['draft', 'cont'], to: 'review' }] });
    // @ts-expect-error a router returning 'publish', which is not a node
    graph('g', { nodes, start: 'draft', edges: [{ from: 'draft', route: () => 'publish' }] });
    // @ts-expect-error a router returning any string
    graph('g', { nodes, start: 'draft', edges: [{ from: 'draft', route: (s) => String(s.next) }] });
  });

  it('accepts agents, delta functions and nodes with options', () => {
    graph('g', {
      nodes: {
        a,
        fn: () => ({ k: 1 }),
        guarded: { run: a, retry: { count: 2 }, timeout: 1_000, fallback: a },
      },
      start: 'a',
    });
    // @ts-expect-error a node function returns a delta of JSON values
    graph('g', { nodes: { fn: () => ({ k: new Date() }) }, start: 'fn' });
  });
});

describe('repeat, defer and mergeWith types', () => {
  it('are agent operators; defer chooses an agent or nothing from the state', () => {
    expectTypeOf(
      repeat({ count: 2, until: (s) => s.done === true, delay: 10 }),
    ).toEqualTypeOf<AgentOperator>();
    expectTypeOf(defer((s) => (s.x === 1 ? a : undefined))).toEqualTypeOf<AgentOperator>();
    expectTypeOf(mergeWith(a, a)).toEqualTypeOf<AgentOperator>();
    expectTypeOf(a.pipe(repeat(3), mergeWith(a))).toEqualTypeOf<BaseAgent>();
    // @ts-expect-error defer must return an agent
    defer(() => 'a');
  });
});
