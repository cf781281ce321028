import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrown } from '../test/helpers.js';
import { InvalidStateError } from './errors.js';
import { type State, StateStore } from './StateStore.js';

describe('StateStore', () => {
  it('syncTo brings the state to a target: changes in one version, removals in another', () => {
    const store = new StateStore({ keep: { a: [1, 2] }, old: 1, same: 'x' });
    const kept = store.get('keep');
    const version = store.syncTo({ keep: { a: [1, 2] }, same: 'x', added: true });
    expect(version).toBe(2);
    expect(store.snapshot()).toEqual({ keep: { a: [1, 2] }, same: 'x', added: true });
    // a deeply equal value is not written again: the committed object stays
    expect(store.get('keep')).toBe(kept);
    expect(store.at(1)).toEqual({ keep: { a: [1, 2] }, old: 1, same: 'x', added: true });
    expect(store.syncTo({ keep: { a: [1, 2] }, same: 'x', added: true })).toBe(2);
    expect(store.syncTo({ same: 'y' })).toBe(4);
    expect(store.snapshot()).toEqual({ same: 'y' });
  });

  it('starts from a frozen copy of the initial state at version 0', () => {
    const store = new StateStore({ topic: 'fox' });
    expect(store.version).toBe(0);
    expect(store.snapshot()).toEqual({ topic: 'fox' });
    expect(Object.isFrozen(store.snapshot())).toBe(true);
  });

  it('commits a delta as a new version and leaves older snapshots unchanged', () => {
    const store = new StateStore({ a: 1 });
    const before = store.snapshot();
    expect(store.apply({ a: 2, b: 'x' })).toBe(1);
    expect(store.snapshot()).toEqual({ a: 2, b: 'x' });
    expect(before).toEqual({ a: 1 });
    expect(store.get('a')).toBe(2);
    expect(store.has('b')).toBe(true);
  });

  it('shares unchanged values between snapshots and freezes them deeply', () => {
    const store = new StateStore();
    const story = { title: 'Fox', drafts: [{ text: 'one' }] };
    store.apply({ story });
    const v1 = store.snapshot();
    store.apply({ score: 3 });
    const v2 = store.snapshot();
    expect(v2.story).toBe(v1.story);
    expect(Object.isFrozen(story.drafts[0])).toBe(true);
    expect(() => {
      (story.drafts as { text: string }[]).push({ text: 'two' });
    }).toThrow(TypeError);
  });

  it('materialises the snapshot once per version that is read', () => {
    const store = new StateStore();
    store.apply({ a: 1 });
    store.apply({ b: 2 });
    const first = store.snapshot();
    expect(store.snapshot()).toBe(first);
    store.apply({ c: 3 });
    expect(store.snapshot()).not.toBe(first);
  });

  it('reads, removes and rebuilds earlier versions alike below and above 8 keys', () => {
    // Up to 8 keys the current state is its snapshot; past them, a map (see SMALL_KEYS).
    const store = new StateStore({ k0: 0 });
    const versions: State[] = [store.snapshot()];
    for (let i = 1; i < 12; i++) {
      store.apply({ [`k${i}`]: i, k0: -i });
      versions.push(store.snapshot());
      expect(store.get(`k${i}`)).toBe(i);
      expect(store.has(`k${i}`)).toBe(true);
      expect(store.has('toString')).toBe(false);
      expect(store.get('toString')).toBeUndefined();
      expect([...store.keys()]).toEqual(Array.from({ length: i + 1 }, (_, j) => `k${j}`));
    }
    store.remove(['k1', 'k11']);
    versions.push(store.snapshot());
    expect(store.has('k1')).toBe(false);
    expect(Object.keys(store.snapshot())).toHaveLength(10);
    for (const [version, state] of versions.entries()) expect(store.at(version)).toEqual(state);
    const small = new StateStore({ a: 1, b: 2 });
    small.remove(['a']);
    expect(small.snapshot()).toEqual({ b: 2 });
    expect(small.at(0)).toEqual({ a: 1, b: 2 });
    expect(Object.isFrozen(small.snapshot())).toBe(true);
  });

  it('removes the keys with a prefix in one version, below and above 8 keys, and makes none when no key has it', () => {
    for (const width of [2, 12]) {
      const initial: Record<string, number> = {};
      for (let i = 0; i < width; i++) initial[`k${i}`] = i;
      const store = new StateStore(initial);
      // No key with the prefix: nothing removed, no version.
      expect(store.removePrefixed('temp:')).toBe(0);
      expect(store.version).toBe(0);
      store.apply({ 'temp:a': 1, k0: 'x', 'temp:b': 2, 'user:temp:c': 3 });
      const before = store.snapshot();
      expect(store.removePrefixed('temp:')).toBe(2);
      expect(store.has('temp:a') || store.has('temp:b')).toBe(false);
      // Only a key that starts with it.
      expect(store.get('user:temp:c')).toBe(3);
      expect(Object.keys(store.snapshot())).toHaveLength(width + 1);
      expect(store.at(1)).toEqual(before);
      expect(store.removePrefixed('temp:')).toBe(2);
    }
  });

  it('agrees with a copy-per-version model over random commits, reads, snapshots and removals', () => {
    // The small path writes its current state in place until a snapshot is asked for (see
    // SMALL_KEYS): every snapshot handed out must stay as it was, and every version readable.
    const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'temp:x');
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('apply' as const),
        delta: fc.oneof(
          fc.dictionary(key, fc.integer(), { maxKeys: 3 }),
          fc.dictionary(key, fc.integer(), { minKeys: 9, maxKeys: 11 }),
        ),
      }),
      fc.record({ kind: fc.constant('snapshot' as const) }),
      fc.record({ kind: fc.constant('get' as const), key }),
      fc.record({ kind: fc.constant('remove' as const), keys: fc.array(key, { maxLength: 2 }) }),
      fc.record({ kind: fc.constant('temp' as const) }),
      fc.record({ kind: fc.constant('at' as const), back: fc.nat() }),
    );
    fc.assert(
      fc.property(
        fc.dictionary(key, fc.integer(), { maxKeys: 2 }),
        fc.array(op, { maxLength: 40 }),
        (initial, ops) => {
          const store = new StateStore(initial);
          const model: Record<string, number>[] = [{ ...initial }];
          const handed: [State, Record<string, number>][] = [];
          const current = () => model[model.length - 1]!;
          for (const o of ops) {
            if (o.kind === 'apply') {
              const made = store.apply(o.delta) !== model.length - 1;
              if (made) model.push({ ...current(), ...o.delta });
            } else if (o.kind === 'snapshot') {
              const snap = store.snapshot();
              expect(Object.isFrozen(snap)).toBe(true);
              handed.push([snap, { ...current() }]);
            } else if (o.kind === 'get') {
              expect(store.get(o.key)).toBe(current()[o.key]);
              expect(store.has(o.key)).toBe(o.key in current());
            } else if (o.kind === 'remove' || o.kind === 'temp') {
              const before = store.version;
              const after = o.kind === 'remove' ? store.remove(o.keys) : store.removePrefixed('temp:');
              if (after !== before) {
                const next = { ...current() };
                for (const k of Object.keys(next))
                  if (o.kind === 'remove' ? (o.keys as readonly string[]).includes(k) : k.startsWith('temp:'))
                    delete next[k];
                model.push(next);
              }
            } else {
              const version = model.length - 1 - (o.back % model.length);
              expect(store.at(version)).toEqual(model[version]);
            }
            expect(store.version).toBe(model.length - 1);
          }
          expect(store.snapshot()).toEqual(current());
          expect([...store.keys()].sort()).toEqual(Object.keys(current()).sort());
          for (const [snap, was] of handed) expect(snap).toEqual(was);
          for (let v = 0; v < model.length; v++) expect(store.at(v)).toEqual(model[v]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('commits the own keys of a delta only, even with an enumerable key on Object.prototype', () => {
    // validateDelta and the commit walk a delta with for…in (see validateDelta): an inherited
    // enumerable key must not become state, below and above 8 keys.
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = () => 'not JSON';
    try {
      for (const width of [1, 12]) {
        const store = new StateStore();
        const delta: Record<string, number> = {};
        for (let i = 0; i < width; i++) delta[`k${i}`] = i;
        expect(store.apply(delta)).toBe(1);
        store.apply({ k0: 5 });
        expect(store.has('polluted')).toBe(false);
        expect(Object.keys(store.snapshot())).toHaveLength(width);
        expect(Object.hasOwn(store.at(1), 'polluted')).toBe(false);
      }
    } finally {
      delete proto.polluted;
    }
  });

  it('rebuilds any earlier version from the version chain', () => {
    const store = new StateStore({ n: 0 });
    for (let i = 1; i <= 5; i++) store.apply({ n: i, [`k${i}`]: i });
    store.remove(['k2']);
    expect(store.at(0)).toEqual({ n: 0 });
    expect(store.at(3)).toEqual({ n: 3, k1: 1, k2: 2, k3: 3 });
    expect(store.at(6)).toEqual({ n: 5, k1: 1, k3: 3, k4: 4, k5: 5 });
    store.snapshot();
    // From a cached later snapshot it must not replay forwards past the target.
    expect(store.at(2)).toEqual({ n: 2, k1: 1, k2: 2 });
    expect(() => store.at(7)).toThrow(RangeError);
  });

  it('emits the current snapshot then every change on state$', () => {
    const store = new StateStore({ a: 1 });
    const seen: State[] = [];
    const sub = store.state$.subscribe((s) => seen.push(s));
    store.apply({ a: 2 });
    store.update('list', () => ['x']);
    sub.unsubscribe();
    store.apply({ a: 3 });
    expect(seen).toEqual([{ a: 1 }, { a: 2 }, { a: 2, list: ['x'] }]);
  });

  it('edits a value with an immer recipe without touching the previous value', () => {
    const store = new StateStore({ story: { drafts: 1, tags: ['fox'] } });
    const before = store.get('story');
    store.update<{ drafts: number; tags: string[] }>('story', (draft) => {
      draft.drafts += 1;
      draft.tags.push('night');
    });
    expect(store.get('story')).toEqual({ drafts: 2, tags: ['fox', 'night'] });
    expect(before).toEqual({ drafts: 1, tags: ['fox'] });
  });

  it.each([['__proto__'], ['constructor'], ['prototype'], ['app:__proto__'], [''], ['user:']])(
    'rejects the state key %j with an InvalidStateError and commits nothing',
    (key) => {
      const store = new StateStore({ keep: true });
      const delta = JSON.parse(`{"ok": 1, ${JSON.stringify(key)}: 1}`) as Record<string, unknown>;
      const error = thrown(() => store.apply(delta, 'writer'));
      expect(error).toBeInstanceOf(InvalidStateError);
      expect((error as InvalidStateError).agent).toBe('writer');
      expect((error as InvalidStateError).key).toBe(key);
      expect(store.version).toBe(0);
      expect(store.snapshot()).toEqual({ keep: true });
    },
  );

  it.each([
    ['a function', () => 1, 'value'],
    ['a symbol', Symbol('s'), 'value'],
    ['undefined', undefined, 'value'],
    ['a bigint', 1n, 'value'],
    ['NaN', Number.NaN, 'value'],
    ['a Date', new Date(0), 'value'],
    ['a nested function', { deep: [1, { f: () => 1 }] }, 'value.deep[1].f'],
  ])('rejects %s as a state value, naming the path', (_label, value, path) => {
    const store = new StateStore();
    const error = thrown(() => store.apply({ value }, 'critic'));
    expect(error).toBeInstanceOf(InvalidStateError);
    expect((error as InvalidStateError).field).toBe(path);
    expect((error as InvalidStateError).message).toContain("Agent 'critic'");
    expect(store.version).toBe(0);
  });

  it('rejects a cycle but accepts a shared sub-object', () => {
    const store = new StateStore();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => store.apply({ cyclic })).toThrow(/cycle/);
    const shared = { n: 1 };
    store.apply({ pair: [shared, shared] });
    expect(store.get('pair')).toEqual([{ n: 1 }, { n: 1 }]);
  });

  it('validates the initial state too', () => {
    expect(() => new StateStore({ f: () => 1 })).toThrow(InvalidStateError);
  });
});
