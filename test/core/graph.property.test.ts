// Property tests: a graph compiles to the workflow agents. A chain of direct edges emits what the
// equivalent `sequence` emits; a pure fan-out + join what `parallel` + the join node emits —
// events (ids, branches, timestamps, deltas, conflict reports) and final state alike.
import {
  agent,
  type BaseAgent,
  type Event,
  graph,
  InvocationContext,
  parallel,
  Session,
  type State,
  sequence,
  sequentialIds,
} from '@rxagents/core';
import fc from 'fast-check';
import { concat, EMPTY, map, of, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';

interface Leaf {
  readonly delay: number;
  readonly writes: readonly { key: string; value: number }[];
}

const leafArb: fc.Arbitrary<Leaf> = fc.record({
  delay: fc.integer({ min: 0, max: 5 }),
  writes: fc.array(
    fc.record({ key: fc.constantFrom('a', 'b', 'c'), value: fc.integer({ min: 0, max: 99 }) }),
    {
      maxLength: 3,
    },
  ),
});

/** A fresh agent per call (a sequence adopts its children): waits `delay`, then one event per write. */
function leaf(name: string, spec: Leaf): BaseAgent {
  return agent(name, (ctx) =>
    concat(
      spec.delay === 0 ? EMPTY : timer(spec.delay, ctx.scheduler).pipe(map(() => undefined)),
      of(...spec.writes),
    ).pipe(
      map((write) =>
        ctx.newEvent(write === undefined ? {} : { actions: { stateDelta: { [write.key]: write.value } } }),
      ),
    ),
  );
}

function run(root: BaseAgent): { events: Event[]; state: State } {
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  const events: Event[] = [];
  let state: State = {};
  scheduler.run(({ flush }) => {
    const session = new Session({ id: 's', appName: 'app', userId: 'u' });
    const ctx = InvocationContext.create({
      agent: root,
      session,
      scheduler,
      idGenerator: sequentialIds('e'),
    });
    root.runAsync(ctx).subscribe((e) => events.push(e));
    flush();
    state = session.state.snapshot();
  });
  return { events, state };
}

describe('graph (properties)', () => {
  it('a chain of direct edges emits the same events and final state as the equivalent sequence', () => {
    fc.assert(
      fc.property(fc.array(leafArb, { minLength: 1, maxLength: 8 }), (leaves) => {
        const names = leaves.map((_, i) => `n${i}`);
        const nodes = Object.fromEntries(leaves.map((spec, i) => [names[i]!, leaf(names[i]!, spec)]));
        const edges = names.slice(1).map((to, i) => ({ from: names[i]!, to }));
        const asGraph = graph('flow', { nodes, start: 'n0', edges });
        const asSequence = sequence(
          'flow',
          leaves.map((spec, i) => leaf(names[i]!, spec)),
        );
        expect(run(asGraph)).toEqual(run(asSequence));
      }),
      { numRuns: 100 },
    );
  });

  it('a pure fan-out + join emits the same events and final state as parallel + the join node', () => {
    fc.assert(
      fc.property(
        leafArb,
        fc.array(leafArb, { minLength: 2, maxLength: 6 }),
        leafArb,
        (first, arms, last) => {
          const armNames = arms.map((_, i) => `arm${i}`);
          const nodes = Object.fromEntries(arms.map((spec, i) => [armNames[i]!, leaf(armNames[i]!, spec)]));
          const asGraph = graph('flow', {
            nodes: { start: leaf('start', first), ...nodes, join: leaf('join', last) },
            start: 'start',
            edges: [
              { from: 'start', to: armNames as never, as: 'fan' },
              { from: armNames as never, to: 'join' },
            ],
          });
          const asOperators = sequence('flow', [
            leaf('start', first),
            parallel(
              'fan',
              arms.map((spec, i) => leaf(armNames[i]!, spec)),
            ),
            leaf('join', last),
          ]);
          expect(run(asGraph)).toEqual(run(asOperators));
        },
      ),
      { numRuns: 100 },
    );
  });
});
