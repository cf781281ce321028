import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Event } from '../Event.js';
import { StateConflictError } from '../errors.js';
import { type StateDelta, StateStore } from '../StateStore.js';
import { ConflictTracker } from './ConflictTracker.js';

// What check() reads of an event: its branch, its delta and any earlier annotation.
const eventOn = (branch: string, stateDelta: StateDelta): Event =>
  ({ branch, actions: { stateDelta } }) as unknown as Event;

const KEYS = ['k0', 'k1', 'k2', 'k3'] as const;
// Branches of a run on `fan` (`fan.a.deep` lies in arm `fan.a`) and one outside it.
const BRANCHES = ['fan.a', 'fan.b', 'fan.c', 'fan.a.deep', 'other'] as const;

type Step =
  | { readonly kind: 'write'; readonly branch: string; readonly keys: readonly string[] }
  | { readonly kind: 'remove'; readonly key: string };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      branch: fc.constantFrom(...BRANCHES),
      keys: fc.uniqueArray(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('remove' as const), key: fc.constantFrom(...KEYS) }),
  },
);

describe('ConflictTracker', () => {
  it('reports exactly the writes of a key the session holds whose last writer in the run is another arm', () => {
    fc.assert(
      fc.property(fc.subarray([...KEYS]), fc.array(step, { maxLength: 30 }), (before, steps) => {
        const store = new StateStore(Object.fromEntries(before.map((k) => [k, 'before'])));
        const tracker = new ConflictTracker('fan', 'fan', 'report');
        // The model: the arm that last wrote each key in this run, and the keys the session holds.
        const lastWriter = new Map<string, string>();
        const held = new Set<string>(before);
        steps.forEach((s, i) => {
          if (s.kind === 'remove') {
            store.remove([s.key]);
            held.delete(s.key);
            return;
          }
          const delta = Object.fromEntries(s.keys.map((k) => [k, i]));
          const checked = tracker.check(eventOn(s.branch, delta), store);
          const arm = s.branch === 'other' ? undefined : s.branch.split('.').slice(0, 2).join('.');
          const expected =
            arm === undefined
              ? []
              : s.keys.flatMap((key) => {
                  const previous = lastWriter.get(key);
                  return held.has(key) && previous !== undefined && previous !== arm
                    ? [{ key, previousBranch: previous, branch: arm }]
                    : [];
                });
          expect(checked.stateConflicts ?? []).toEqual(expected);
          if (arm !== undefined) for (const key of s.keys) lastWriter.set(key, arm);
          for (const key of s.keys) held.add(key);
          store.apply(delta);
        });
      }),
    );
  });

  it("throws under 'error' before the delta is applied, naming the key and both arms", () => {
    const store = new StateStore();
    const tracker = new ConflictTracker('fan', 'fan', 'error');
    store.apply(tracker.check(eventOn('fan.a', { k: 1 }), store).actions.stateDelta as StateDelta);
    const second = eventOn('fan.b', { k: 2 });
    let error: unknown;
    try {
      tracker.check(second, store);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateConflictError);
    expect(error).toMatchObject({ agent: 'fan', field: 'k', branches: ['fan.a', 'fan.b'] });
    expect(store.get('k')).toBe(1);
  });

  it('keeps an annotation an inner run made and adds its own after it', () => {
    const store = new StateStore({ k: 0 });
    const tracker = new ConflictTracker('outer', 'outer', 'report');
    tracker.check(eventOn('outer.a', { k: 1 }), store);
    const inner = { key: 'k', previousBranch: 'outer.b.x', branch: 'outer.b.y' };
    const annotated = { ...eventOn('outer.b.y', { k: 2 }), stateConflicts: [inner] } as Event;
    expect(tracker.check(annotated, store).stateConflicts).toEqual([
      inner,
      { key: 'k', previousBranch: 'outer.a', branch: 'outer.b' },
    ]);
  });
});
