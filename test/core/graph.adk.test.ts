// Cases ported from google/adk-js core/test/workflow/ (workflow_test, routing_test,
// graph_validation_test, state_schema_test) whose semantics apply to our graph. ADK threads a
// node's output into the next node's input and routes on emitted route values; our nodes share
// the session state and routers are functions of it, so each case is restated in those terms.
import {
  agent,
  type BaseAgent,
  END,
  graph,
  InvalidAgentConfigError,
  InvocationContext,
  Session,
  StateSchemaError,
  sequentialIds,
  text,
  textOf,
} from '@rxagents/core';
import { of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const reply = (name: string, delta: Record<string, unknown> = {}) =>
  agent(name, (ctx) => of(ctx.newEvent({ content: text(name), actions: { stateDelta: delta as never } })));

function run(root: BaseAgent, state: Record<string, unknown> = {}) {
  const session = new Session({ id: 's', appName: 'app', userId: 'u', state: state as never });
  const ctx = InvocationContext.create({ agent: root, session, idGenerator: sequentialIds('e') });
  const said: string[] = [];
  let failure: unknown;
  root
    .runAsync(ctx)
    .subscribe({ next: (e) => said.push(textOf(e.content)), error: (e: unknown) => (failure = e) });
  return { said, session, failure };
}

describe('graph: cases ported from ADK JS Workflow', () => {
  it('routes conditionally on the state (workflow_test: routes conditionally via a routing map)', () => {
    const g = (input: string) =>
      graph('router_wf', {
        nodes: { router: reply('router', { input }), answer: reply('answer'), comment: reply('comment') },
        start: 'router',
        edges: [{ from: 'router', route: (s) => (String(s.input).endsWith('?') ? 'answer' : 'comment') }],
      });
    expect(run(g('what?')).said).toEqual(['router', 'answer']);
    expect(run(g('hello')).said).toEqual(['router', 'comment']);
  });

  it('fans out from a single route to several nodes, then joins (routing_test)', () => {
    const g = graph('route_fan_out', {
      nodes: {
        router: reply('router'),
        a: reply('a', { a: 'a(go)' }),
        b: reply('b', { b: 'b(go)' }),
        join: reply('join'),
      },
      start: 'router',
      edges: [
        { from: 'router', route: () => ['a', 'b'] },
        { from: ['a', 'b'], to: 'join' },
      ],
    });
    const { said, session } = run(g);
    expect(said).toEqual(['router', 'a', 'b', 'join']);
    expect(session.state.snapshot()).toEqual({ a: 'a(go)', b: 'b(go)' });
  });

  it('fires only the routes returned, not every node of the map (routing_test: array of routes)', () => {
    const g = graph('multi_route', {
      nodes: { router: reply('router'), a: reply('a'), b: reply('b'), c: reply('c'), join: reply('join') },
      start: 'router',
      edges: [
        { from: 'router', route: () => ['a', 'b'], targets: ['a', 'b', 'c'] },
        { from: ['a', 'b'], to: 'join' },
      ],
    });
    expect(run(g).said).toEqual(['router', 'a', 'b', 'join']);
  });

  it('reuses one sub-graph instance as two nodes (routing_test: across two route keys)', () => {
    const shared = graph('shared_sub', { nodes: { wrapped: reply('wrapped') }, start: 'wrapped' });
    const g = (route: 'approve' | 'escalate') =>
      graph('reuse_parent', {
        nodes: { router: reply('router'), approve: shared, escalate: shared },
        start: 'router',
        edges: [{ from: 'router', route: () => route }],
      });
    expect(run(g('approve')).said).toEqual(['router', 'wrapped']);
    expect(run(g('escalate')).said).toEqual(['router', 'wrapped']);
  });

  it('rejects a cycle of direct edges and allows a routed one (graph_validation_test)', () => {
    const nodes = { a: reply('a'), b: reply('b'), done: reply('done') };
    expect(() =>
      graph('cycle_wf', {
        nodes,
        start: 'a',
        edges: [
          { from: 'a', to: 'b' },
          { from: 'b', to: 'a' },
          { from: 'a', to: 'done' },
        ],
      }),
    ).toThrow(InvalidAgentConfigError);
    expect(() =>
      graph('routed', {
        nodes,
        start: 'a',
        edges: [
          { from: 'a', to: 'b' },
          { from: 'b', route: (s) => (s.again === true ? 'a' : 'done'), targets: ['a', 'done'] },
        ],
      }),
    ).not.toThrow();
  });

  it('rejects an unreachable node and a missing start (graph_validation_test)', () => {
    const nodes = { a: reply('a'), orphan: reply('orphan'), b: reply('b') };
    expect(() =>
      graph('unreachable_wf', {
        nodes,
        start: 'a',
        edges: [
          { from: 'a', to: END },
          { from: 'orphan', to: 'b' },
        ],
      }),
    ).toThrow(/nodes\.orphan: no edge reaches it/);
    expect(() => graph('no_start', { nodes, start: undefined as never })).toThrow(
      /start: 'undefined' is not a node/,
    );
  });

  describe('state schema (state_schema_test), with zod 4 as a Standard Schema', () => {
    const schema = z.strictObject({
      counter: z.number().optional(),
      label: z.string().optional(),
      note: z.string().nullable().optional(),
    });
    const writing = (delta: Record<string, unknown>) =>
      graph('wf', { nodes: { write: reply('write', delta) }, start: 'write', state: schema });

    it('accepts writes that match', () => {
      const { failure, session } = run(writing({ counter: 1, label: 'hello' }));
      expect(failure).toBeUndefined();
      expect(session.state.get('label')).toBe('hello');
    });

    it('rejects an undeclared key, naming node and key, committing nothing', () => {
      const { failure, session } = run(writing({ undeclared: 1 }));
      expect(failure).toBeInstanceOf(StateSchemaError);
      expect(failure).toMatchObject({ node: 'write', key: 'undeclared' });
      expect(session.events).toHaveLength(0);
    });

    it('rejects a value of the wrong type', () => {
      expect(run(writing({ counter: 'seven' })).failure).toMatchObject({
        key: 'counter',
        code: 'STATE_SCHEMA',
      });
    });

    it('accepts null for a nullable field', () => {
      expect(run(writing({ note: null })).failure).toBeUndefined();
    });

    it('never validates app:, user: and temp: keys', () => {
      expect(
        run(writing({ 'app:x': { anything: true }, 'user:y': 1, 'temp:z': 'free' })).failure,
      ).toBeUndefined();
    });

    it('holds through a nested graph, which declares none', () => {
      const inner = graph('inner_wf', {
        nodes: { inner: reply('inner', { undeclared: 1 }) },
        start: 'inner',
      });
      const outer = graph('outer_wf', { nodes: { inner_wf: inner }, start: 'inner_wf', state: schema });
      expect(run(outer).failure).toMatchObject({ graph: 'outer_wf', node: 'inner_wf', key: 'undeclared' });
    });

    it('allows anything when the graph declares no schema', () => {
      const g = graph('unschemad', {
        nodes: { write: reply('write', { anything: 'goes' }) },
        start: 'write',
      });
      expect(run(g).failure).toBeUndefined();
    });
  });
});
