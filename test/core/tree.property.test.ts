// Property tests: random trees of sequence / parallel / loop over scripted leaf agents.
import {
  agent,
  type BaseAgent,
  type Event,
  InvocationContext,
  loop,
  parallel,
  Session,
  sequence,
  sequentialIds,
} from '@rxagents/core';
import fc from 'fast-check';
import { from, map } from 'rxjs';
import { describe, expect, it } from 'vitest';

type Tree =
  | { kind: 'leaf'; writes: { key: string; value: number }[] }
  | { kind: 'seq' | 'par'; children: Tree[] }
  | { kind: 'loop'; times: number; children: Tree[] };

const keyArb = fc.constantFrom('a', 'b', 'c', 'app:shared', 'temp:t');
const leafArb = fc.record({
  kind: fc.constant('leaf' as const),
  writes: fc.array(fc.record({ key: keyArb, value: fc.integer({ min: 0, max: 99 }) }), { maxLength: 3 }),
});

const { tree: treeArb } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.record({
      kind: fc.constantFrom('seq' as const, 'par' as const),
      children: fc.array(tie('tree'), { maxLength: 4 }),
    }),
    fc.record({
      kind: fc.constant('loop' as const),
      times: fc.integer({ min: 1, max: 3 }),
      children: fc.array(tie('tree'), { maxLength: 3 }),
    }),
  ),
}));

/** Builds agents with unique names per level (names only need to be unique among siblings). */
function build(tree: Tree, name: string): BaseAgent {
  switch (tree.kind) {
    case 'leaf':
      // One event per write; an empty leaf still emits one event with no delta.
      return agent(name, (ctx) => {
        const writes = tree.writes.length === 0 ? [undefined] : tree.writes;
        return from(writes).pipe(
          map((w) => ctx.newEvent(w === undefined ? {} : { actions: { stateDelta: { [w.key]: w.value } } })),
        );
      });
    case 'seq':
      return sequence(
        name,
        tree.children.map((c, i) => build(c, `c${i}`)),
      );
    case 'par':
      return parallel(
        name,
        tree.children.map((c, i) => build(c, `c${i}`)),
      );
    case 'loop':
      return loop(
        name,
        tree.children.map((c, i) => build(c, `c${i}`)),
        { maxIterations: tree.times },
      );
  }
}

/** The model: how many events the tree emits. */
function count(tree: Tree): number {
  switch (tree.kind) {
    case 'leaf':
      return Math.max(1, tree.writes.length);
    case 'seq':
    case 'par':
      return tree.children.reduce((n, c) => n + count(c), 0);
    case 'loop':
      return tree.times * tree.children.reduce((n, c) => n + count(c), 0);
  }
}

function run(tree: Tree): { events: Event[]; session: Session } {
  const root = build(tree, 'root');
  const session = new Session({ id: 's', appName: 'app', userId: 'u' });
  const ctx = InvocationContext.create({ agent: root, session, idGenerator: sequentialIds('e') });
  const events: Event[] = [];
  root.runAsync(ctx).subscribe({ next: (e) => events.push(e) });
  return { events, session };
}

function fold(events: readonly Event[]): Record<string, unknown> {
  const state: Record<string, unknown> = {};
  for (const e of events) Object.assign(state, e.actions.stateDelta);
  return state;
}

describe('random agent trees', () => {
  it('emit as many events as the model of the tree says', () => {
    fc.assert(
      fc.property(treeArb, (tree) => {
        expect(run(tree).events).toHaveLength(count(tree));
      }),
      { numRuns: 200 },
    );
  });

  it('end in the state that folds the committed deltas, in emission order', () => {
    fc.assert(
      fc.property(treeArb, (tree) => {
        const { events, session } = run(tree);
        expect(session.events).toEqual(events);
        expect(session.state.snapshot()).toEqual(fold(events));
      }),
      { numRuns: 200 },
    );
  });

  it('can be inspected as they were after any event (stateAt)', () => {
    fc.assert(
      fc.property(treeArb, fc.nat(), (tree, pick) => {
        const { events, session } = run(tree);
        if (events.length === 0) return;
        const i = pick % events.length;
        expect(session.stateAt(i)).toEqual(fold(events.slice(0, i + 1)));
      }),
      { numRuns: 200 },
    );
  });

  it('put every event on a branch that starts with its ancestors and ends with its author', () => {
    fc.assert(
      fc.property(treeArb, (tree) => {
        for (const e of run(tree).events) {
          expect(e.branch.startsWith('root')).toBe(true);
          expect(e.branch.split('.').at(-1)).toBe(e.author);
        }
      }),
      { numRuns: 100 },
    );
  });
});
