// The immutable state of one session, as a version chain, in one class. The file stays whole
// (over 350 lines, a third of them TSDoc and "why" comments) because every method reads the same
// private fields: the versions, the current values on the small path (one object) or in a Map,
// the last snapshot and its version, the checkpoints. Split, those would have to become shared
// mutable state between modules; what stands alone (validation, JSON checks, the tight append)
// already lives in internal/.
import { type Draft, produce } from 'immer';
import { Observable, Subject } from 'rxjs';
import { appendTight } from './internal/appendTight.js';
import { sameJson } from './internal/sameJson.js';
import {
  assertPlainDelta,
  hasOwn,
  validateAndFreeze,
  validateDelta,
  validateKey,
} from './internal/validateState.js';
import type { JsonValue } from './json.js';

/** A frozen snapshot of session state. */
export type State = Readonly<Record<string, JsonValue>>;

/** The changes one event makes to the state: new values by key. */
export type StateDelta = Readonly<Record<string, JsonValue>>;

/**
 * Scope prefixes: `app:` and `user:` are shared wider than a session; `temp:` is never persisted.
 *
 * @example
 * ```ts
 * import { agent, STATE_PREFIX, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 *
 * // `user:` keys follow the user into every session; `temp:` keys are never persisted.
 * const writer = agent('writer', (ctx) =>
 *   of(ctx.newEvent({ content: text('a draft'), actions: { stateDelta: { [`${STATE_PREFIX.user}theme`]: 'dark' } } })),
 * );
 * ```
 */
export const STATE_PREFIX = { app: 'app:', user: 'user:', temp: 'temp:' } as const;

// A version is the delta that made it, or the keys it removed: no wrapper object per commit.
class Removal {
  constructor(readonly keys: readonly string[]) {}
}
type Version = StateDelta | Removal;

const CHECKPOINT = 1024;

/**
 * The small-state path, and why: up to SMALL_KEYS keys the current state is held in one plain
 * object, `cached`, rather than in a Map: an empty Map is 184 B, the larger part of a small
 * session's state (W5: 184 B of every idle session, against 56 B for a one-key object). The
 * object is either shared (frozen, the snapshot of the current version, `cachedVersion` equal to
 * it) or private (`cachedVersion` -1: written in place, never handed out). A commit writes a
 * private object in place, and copies a shared one once into a private one; a snapshot freezes
 * the private object in place. So a run of commits that nobody snapshots between (an agent
 * reading keys with `get`) copies and freezes nothing per commit; before, each commit copied the
 * state into a new frozen snapshot: W2 (a loop of 500 one-key commits) 0.511 → 0.454 ms, −11%
 * (five alternated processes per build, 2026-12-04). The first keys of an empty state are the
 * frozen delta itself (W5: no copy per idle session). Past SMALL_KEYS the Map is made and commits
 * cost O(keys in the delta) again.
 */
const SMALL_KEYS = 8;

const EMPTY_STATE: State = Object.freeze(Object.create(null) as Record<string, JsonValue>);

/**
 * The immutable state of one session, as a chain of versions.
 *
 * Committing a delta costs O(keys in the delta), however large the state is: the current values
 * live in a map that only this class writes, each version records the delta that made it, and
 * the frozen plain-object {@link StateStore.snapshot} is materialised lazily, once per version
 * that is actually read. Values are deeply frozen on commit and shared between snapshots, so an
 * unchanged value is the same object in every version (structural sharing). Edits inside a value
 * go through immer with {@link StateStore.update}.
 *
 * @example
 * ```ts
 * import { StateStore } from '@rxagents/core';
 * const store = new StateStore({ draft: 'v1', tags: [] });
 * store.apply({ draft: 'v2', score: 3 });
 * store.snapshot(); // { draft: 'v2', tags: [], score: 3 } (frozen)
 * store.at(0); // { draft: 'v1', tags: [] }
 * store.update('tags', (tags) => {
 *   if (Array.isArray(tags)) tags.push('fox'); // an immer recipe on one value
 * });
 * ```
 */
export class StateStore {
  // The current values past SMALL_KEYS keys; undefined on the small path, where `cached` is the
  // current state (see SMALL_KEYS).
  private values: Map<string, JsonValue> | undefined;
  private versions: Version[] = [];
  private readonly initial: State;
  // The last snapshot made (version `cachedVersion`); on the small path the current state,
  // private when `cachedVersion` is -1 (see SMALL_KEYS).
  private cached: State;
  private cachedVersion = 0;
  // Snapshots every CHECKPOINT versions (or every `keys` versions when there are more keys), so
  // that `at(version)` replays at most that many deltas: a resumed invocation at the end of a
  // long session reads the state before it without replaying the session. O(1) amortised per
  // commit and O(versions) memory in all.
  // Made at the first checkpoint: most sessions never reach one (heap per idle session, W5).
  private checkpoints: { readonly version: number; readonly state: State }[] | undefined;
  private changes: Subject<State> | undefined;

  /**
   * Current snapshot on subscription, then the snapshot after every change. Snapshots are only
   * materialised while someone listens.
   */
  get state$(): Observable<State> {
    // Made on each read, not kept: an Observable and its closure per store were ~100 B of every
    // session, and a field for it 8 B (W5).
    return new Observable<State>((subscriber) => {
      subscriber.next(this.snapshot());
      this.changes ??= new Subject<State>();
      return this.changes.subscribe(subscriber);
    });
  }

  /** @param initial the state at version 0 (validated and frozen) */
  constructor(initial: Readonly<Record<string, unknown>> = {}) {
    assertPlainDelta(undefined, initial);
    const keys = Object.keys(initial);
    if (keys.length === 0) {
      this.initial = EMPTY_STATE;
    } else {
      const base: Record<string, JsonValue> = {};
      for (const key of keys) {
        validateKey(undefined, key);
        base[key] = validateAndFreeze(undefined, key, initial[key]);
      }
      this.initial = Object.freeze(base);
      if (keys.length > SMALL_KEYS) this.values = new Map(Object.entries(base));
    }
    this.cached = this.initial;
  }

  /** Number of versions committed since construction (0 for a new store). */
  get version(): number {
    return this.versions.length;
  }

  /** The current value of one key, read without materialising a snapshot. */
  get(key: string): JsonValue | undefined {
    const values = this.values;
    if (values !== undefined) return values.get(key);
    const cached = this.cached;
    return hasOwn.call(cached, key) ? cached[key] : undefined;
  }

  /** Whether the current state has this key. */
  has(key: string): boolean {
    const values = this.values;
    return values === undefined ? hasOwn.call(this.cached, key) : values.has(key);
  }

  /** The current state as a frozen plain object (materialised once per version). */
  snapshot(): State {
    const version = this.versions.length;
    if (this.cachedVersion !== version) {
      // On the small path `cached` is the current state: a private one is frozen in place.
      const values = this.values;
      this.cached = Object.freeze(values === undefined ? this.cached : objectOf(values));
      this.cachedVersion = version;
    }
    return this.cached;
  }

  /**
   * The state as it was at an earlier version (0 = initial), rebuilt from the version chain.
   * @param version between 0 and {@link StateStore.version}
   */
  at(version: number): State {
    const current = this.versions.length;
    if (!Number.isInteger(version) || version < 0 || version > current) {
      throw new RangeError(`StateStore.at: version ${version} is outside 0..${current}`);
    }
    if (version === current) return this.snapshot();
    if (version === 0) return this.initial;
    let from = 0;
    let start = this.initial;
    // (A private `cached`, version -1, is the current state, not a past one.)
    if (this.cachedVersion !== -1 && this.cachedVersion <= version) {
      from = this.cachedVersion;
      start = this.cached;
    }
    const checkpoint = this.checkpointAtOrBefore(version);
    if (checkpoint !== undefined && checkpoint.version > from) {
      from = checkpoint.version;
      start = checkpoint.state;
    }
    if (from === version) return start;
    const out: Record<string, JsonValue> = { ...start };
    for (let i = from; i < version; i++) {
      const v = this.versions[i]!;
      if (v instanceof Removal) for (const key of v.keys) delete out[key];
      else Object.assign(out, v);
    }
    return Object.freeze(out);
  }

  /**
   * Validates and commits a delta as a new version; returns the new version number.
   * Nothing is written when the delta is not a plain object or any key or value is invalid.
   * @param delta new values by key (deeply frozen in place)
   * @param author agent named in errors (defaults to none)
   */
  apply(delta: Readonly<Record<string, unknown>>, author?: string): number {
    if (!this.commitDelta(delta, author)) this.push(Object.freeze(delta) as StateDelta);
    return this.versions.length;
  }

  /**
   * @internal `apply` for an event's delta (what `Session.commit` calls): one pass of validation,
   * and no version for an empty delta; returns whether a version was made.
   */
  commitDelta(delta: Readonly<Record<string, unknown>>, author: string | undefined): boolean {
    if (validateDelta(author, delta) === 0) return false;
    // Frozen in place, as immer does: copying it costs more than the rest of the commit.
    const frozen = Object.freeze(delta) as StateDelta;
    const values = this.values;
    if (values === undefined) {
      this.commitSmall(frozen);
    } else {
      // (for…in, as in validateDelta: the delta's own keys, its values through the enum cache.)
      for (const key in frozen) if (hasOwn.call(frozen, key)) values.set(key, frozen[key]!);
    }
    this.push(frozen);
    return true;
  }

  /**
   * Edits one value with an immer recipe and commits the result as a new version.
   * @example
   * ```ts
   * store.update('story', (s) => { s.drafts += 1; });
   * ```
   */
  update<T extends JsonValue>(key: string, recipe: (draft: Draft<T>) => void): number {
    const next = produce(this.get(key) as T, recipe as never) as JsonValue;
    return this.apply({ [key]: next });
  }

  /** Removes keys (used for `temp:` keys at the end of an invocation); returns the new version. */
  remove(keys: readonly string[]): number {
    const present = keys.filter((key) => this.has(key));
    if (present.length === 0) return this.versions.length;
    const values = this.values;
    if (values === undefined) {
      this.replaceSmall(
        Object.fromEntries(Object.entries(this.cached).filter(([k]) => !present.includes(k))),
      );
    } else {
      for (const key of present) values.delete(key);
    }
    return this.push(new Removal(Object.freeze(present)));
  }

  /**
   * Removes every key that starts with `prefix` (the Runner's `temp:` keys at the end of an
   * invocation); returns the new version, or the current one when no key matched. Looks without
   * allocating on the small path (the Runner's drop listed every key into an array per
   * invocation): most invocations end with no such key.
   */
  removePrefixed(prefix: string): number {
    let found: string[] | undefined;
    const values = this.values;
    if (values === undefined) {
      const cached = this.cached;
      for (const key in cached)
        if (hasOwn.call(cached, key) && key.startsWith(prefix)) (found ??= []).push(key);
    } else {
      for (const key of values.keys()) if (key.startsWith(prefix)) (found ??= []).push(key);
    }
    return found === undefined ? this.versions.length : this.remove(found);
  }

  /**
   * Brings the state to `target`: the keys whose value differs (deep JSON equality) or is new in
   * one version, the keys `target` lacks removed in another; nothing when they are equal. Used
   * to lay changes made outside any event (shared state synced in, `temp:` keys dropped) over a
   * replayed log. Returns the new version.
   * @example
   * ```ts
   * store.syncTo({ draft: 'v3' }); // draft set, every other key removed
   * ```
   */
  syncTo(target: State): number {
    const changed: Record<string, JsonValue> = {};
    let any = false;
    for (const key in target) {
      if (!sameJson(this.get(key), target[key])) {
        changed[key] = target[key]!;
        any = true;
      }
    }
    if (any) this.apply(changed);
    const gone: string[] = [];
    for (const key of this.keys()) if (!(key in target)) gone.push(key);
    return this.remove(gone);
  }

  /** Keys currently held, in insertion order. */
  keys(): IterableIterator<string> {
    return this.values?.keys() ?? Object.keys(this.cached).values();
  }

  // The small path's commit of a checked, frozen delta (see SMALL_KEYS), before its push.
  private commitSmall(delta: StateDelta): void {
    const cached = this.cached;
    if (this.cachedVersion !== -1) {
      // Shared. The first keys: the delta is the state, shared too. Otherwise one private copy.
      if (isEmpty(cached)) {
        this.cached = delta;
      } else {
        this.cached = { ...cached, ...delta };
        this.cachedVersion = -1;
      }
      this.growIfLarge(this.cached);
      return;
    }
    // Private: written in place (`__proto__` is no state key, so an assignment is a key).
    const state = cached as Record<string, JsonValue>;
    let grew = false;
    for (const key in delta) {
      if (!hasOwn.call(delta, key)) continue;
      if (!grew && !hasOwn.call(state, key)) grew = true;
      state[key] = delta[key]!;
    }
    if (grew) this.growIfLarge(state);
  }

  // The Map, once the small path's state has more than SMALL_KEYS keys; `cached` becomes the
  // snapshot of the version about to be pushed.
  private growIfLarge(state: State): void {
    let size = 0;
    for (const _ in state) size++;
    if (size <= SMALL_KEYS) return;
    this.values = new Map(Object.entries(state));
    this.cached = Object.freeze(state);
    this.cachedVersion = this.versions.length + 1;
  }

  // The small path's next state (the version about to be pushed), shared, and the Map once it
  // has more than SMALL_KEYS keys.
  private replaceSmall(next: Record<string, JsonValue>): void {
    this.cached = Object.freeze(next);
    this.cachedVersion = this.versions.length + 1;
    this.growIfLarge(next);
  }

  private push(version: Version): number {
    const versions = appendTight(this.versions, version);
    this.versions = versions;
    const count = versions.length;
    // On the small path `cached` is the current state at every version (one that changed
    // nothing included): a shared one is the snapshot of this version too.
    if (this.values === undefined && this.cachedVersion !== -1) this.cachedVersion = count;
    const checkpoints = this.checkpoints;
    const last = checkpoints === undefined ? 0 : checkpoints[checkpoints.length - 1]!.version;
    // (On the small path there are fewer keys than CHECKPOINT.)
    if (count - last >= CHECKPOINT && count - last >= (this.values?.size ?? 0)) {
      (this.checkpoints ??= []).push({ version: count, state: this.snapshot() });
    }
    const changes = this.changes;
    if (changes?.observed) changes.next(this.snapshot());
    return count;
  }

  // The last checkpoint at or before a version (binary search).
  private checkpointAtOrBefore(
    version: number,
  ): { readonly version: number; readonly state: State } | undefined {
    const list = this.checkpoints;
    if (list === undefined) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    let found: { readonly version: number; readonly state: State } | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const checkpoint = list[mid]!;
      if (checkpoint.version <= version) {
        found = checkpoint;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}

// The state of a Map as a plain object. Why not `Object.fromEntries`: 2.5–4× slower on keys of
// shapes made before (16 keys 1.4 → 0.5 µs, 100 keys 10.6 → 2.5 µs, 1,000 keys 216 → 83 µs; Node
// 20), 3–6× on keys no object had (100 and 1,000 of them): a snapshot of every version
// while `state$` is observed, and every commit under a graph's state schema, pay it. (Keys are
// checked state keys: never `__proto__`.)
function objectOf(values: ReadonlyMap<string, JsonValue>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [key, value] of values) out[key] = value;
  return out;
}

function isEmpty(state: State): boolean {
  for (const _ in state) return false;
  return true;
}
