import { type Event, hasStateDelta } from './Event.js';
import { appendTight } from './internal/appendTight.js';
import { type State, StateStore } from './StateStore.js';

/** Identifies a session within a session service. */
export interface SessionKey {
  readonly appName: string;
  readonly userId: string;
  readonly sessionId: string;
}

/**
 * One conversation: its ordered, committed events and its state store.
 *
 * The framework commits each non-partial event exactly once (`commit` is idempotent), applying
 * its `stateDelta` before the event reaches anyone downstream; that is what lets `defer`-red
 * work after an agent see the agent's writes.
 *
 * @example
 * ```ts
 * import { Session } from '@rxagents/core';
 * const session = new Session({ id: 's1', appName: 'app', userId: 'u1', state: { topic: 'fox' } });
 * session.state.get('topic'); // 'fox'
 * ```
 */
export class Session {
  readonly id: string;
  readonly appName: string;
  readonly userId: string;
  readonly state: StateStore;
  private log: Event[] = [];
  // Past SMALL events: the committed set (made when asked), the version after each own event
  // and where each invocation starts (see SMALL); undefined on the small-session path.
  private index: SessionIndex | undefined;
  // The state's version before this session's first own event, and (on the small path) after
  // its last: a commit that finds another version changed the state between two events.
  private versionBeforeFirst = 0;
  private versionAfterLast = 0;
  // A prefix copy's source and how many of its events it took (see `prefix`).
  private base: Session | undefined;
  private baseCount = 0;

  constructor(options: {
    id: string;
    appName: string;
    userId: string;
    state?: StateStore | Readonly<Record<string, unknown>>;
    /**
     * Events already committed elsewhere (a durable log), replayed in order onto `state`, which
     * is then the state before the first of them: time travel works over restored events too.
     */
    events?: readonly Event[];
  }) {
    this.id = options.id;
    this.appName = options.appName;
    this.userId = options.userId;
    this.state = options.state instanceof StateStore ? options.state : new StateStore(options.state);
    if (options.events !== undefined) for (const event of options.events) this.commit(event);
  }

  /**
   * A new session holding the first `count` events of this one and the state as it was just
   * before event `count` (the current state when `count` is every event): what a resumed
   * invocation re-runs on. This session is not changed.
   *
   * @example
   * ```ts
   * const before = session.prefix(session.events.findIndex((e) => e.invocationId === id));
   * ```
   */
  prefix(count: number): Session {
    if (!Number.isInteger(count) || count < 0 || count > this.log.length) {
      throw new RangeError(`Session '${this.id}': prefix(${count}) outside 0..${this.log.length}`);
    }
    const base = this.base;
    if (base !== undefined && count <= this.baseCount) return base.prefix(count);
    // The state event `count` was produced on: state also changes between events (shared
    // app:/user: values synced in, temp: dropped), so it is read from the version chain rather
    // than rebuilt by replaying the deltas (which cost O(session) per resume).
    const next = this.log[count];
    const target =
      next === undefined
        ? this.state.snapshot()
        : this.state.at(this.versionAfter(count) - (hasStateDelta(next) ? 1 : 0));
    const copy = new Session({ id: this.id, appName: this.appName, userId: this.userId, state: target });
    copy.adopt(this, count);
    return copy;
  }

  // Takes the first `count` events of `base` as already committed: the log is copied (one
  // memcpy), the committed set is not (`isCommitted` asks `base`), and their past states are
  // read from `base` (stateAt), so a prefix costs no replay of the deltas.
  private adopt(base: Session, count: number): void {
    this.base = base;
    this.baseCount = count;
    this.log = base.log.slice(0, count);
    // The index holds this session's own events only (position - baseCount): the adopted events'
    // versions are `base`'s (stateAt and prefix below `baseCount` go there).
    if (count >= SMALL) this.index = new SessionIndex();
  }

  // Whether an event is one of those adopted from `base` (see `adopt`).
  private adopted(event: Event): boolean {
    const base = this.base;
    if (base === undefined || !base.isCommitted(event)) return false;
    const at = base.indexOf(event);
    return at !== -1 && at < this.baseCount;
  }

  /**
   * Position of a committed event in {@link Session.events}, or -1. Searches from the end, so it
   * is O(1) for the event just committed — what a session service asks on append.
   */
  indexOf(event: Event): number {
    for (let i = this.log.length - 1; i >= 0; i--) if (this.log[i] === event) return i;
    return -1;
  }

  /**
   * Position of the first committed event of an invocation, or -1, without a scan.
   * @example
   * ```ts
   * const before = session.prefix(session.firstIndexOf(invocationId));
   * ```
   */
  firstIndexOf(invocationId: string): number {
    const index = this.index;
    // The small-session path: the whole log (adopted events included) is at most SMALL long.
    if (index === undefined) {
      const log = this.log;
      for (let i = 0; i < log.length; i++) if (log[i]!.invocationId === invocationId) return i;
      return -1;
    }
    const base = this.base;
    if (base !== undefined) {
      const there = base.firstIndexOf(invocationId);
      if (there !== -1 && there < this.baseCount) return there;
    }
    return index.firstOf.get(invocationId) ?? -1;
  }

  /** Committed events in commit order (partial events are never here). */
  get events(): readonly Event[] {
    return this.log;
  }

  /** Timestamp of the last committed event, 0 when there is none. */
  get lastUpdateTime(): number {
    return this.log.length === 0 ? 0 : this.log[this.log.length - 1]!.timestamp;
  }

  /** Whether this event object was committed to this session. */
  isCommitted(event: Event): boolean {
    const log = this.log;
    // The event committed last: the one every enclosing agent's wrapper asks about, right after.
    if (log[log.length - 1] === event) return true;
    const index = this.index;
    // The small-session path: the whole log (adopted events included) is at most SMALL long.
    if (index === undefined) return this.indexOf(event) !== -1;
    // The event made last, before its commit: the one the wrapper of the agent that made it asks.
    if (event === index.fresh) return false;
    return index.isOwn(log, this.baseCount, event) || (this.base !== undefined && this.adopted(event));
  }

  /**
   * Validates and applies the event's state delta, then records the event. Idempotent; partial
   * events are ignored. Throws (an `InvalidStateError` naming the author) without changing
   * anything when the delta is invalid.
   */
  commit(event: Event): void {
    if (event.partial === true || this.isCommitted(event)) return;
    this.commitNew(event);
  }

  /**
   * @internal Notes an event just made for this session (`ctx.newEvent`) and not committed yet,
   * so that `isCommitted` answers it with one comparison until it is committed (past the small
   * path: below it, the scan of the log is as cheap, and the slot would cost every idle session).
   */
  noteNew(event: Event): void {
    const index = this.index;
    if (index !== undefined) index.fresh = event;
  }

  /**
   * @internal `commit` for a caller that has just checked `isCommitted` (the agent wrapper does,
   * for every event): the same work without asking a second time.
   */
  commitNew(event: Event): void {
    const log = this.log;
    const state = this.state;
    const at = log.length;
    if (at === this.baseCount) this.versionBeforeFirst = this.versionAfterLast = state.version;
    // Past SMALL events, or once the state changed between two events (the versions can no
    // longer be counted from the deltas), the index is made.
    let index = this.index;
    if (index === undefined && (at >= SMALL || state.version !== this.versionAfterLast)) {
      index = new SessionIndex();
      for (let i = this.baseCount; i < at; i++) index.add(log, i, this.versionAfter(i));
      this.index = index;
    }
    // Validates the delta (and throws, changing nothing) before anything is recorded.
    state.commitDelta(event.actions.stateDelta, event.author);
    const next = appendTight(log, event);
    this.log = next;
    if (index === undefined) {
      this.versionAfterLast = state.version;
    } else {
      index.add(next, at, state.version);
      if (event === index.fresh) index.fresh = undefined;
    }
  }

  // The state's version right after own event `at` (baseCount <= at < log.length): recorded in
  // the index, or (on the small path) counted from the deltas, one version per non-empty one.
  private versionAfter(at: number): number {
    const index = this.index;
    if (index !== undefined) return index.versionAfter[at - this.baseCount]!;
    let version = this.versionBeforeFirst;
    for (let i = this.baseCount; i <= at; i++) if (hasStateDelta(this.log[i]!)) version++;
    return version;
  }

  /**
   * The state as it was right after the event at `eventIndex` was committed (`-1`: before any
   * event), for inspecting a session as it was.
   */
  stateAt(eventIndex: number): State {
    if (this.base !== undefined && eventIndex < this.baseCount) return this.base.stateAt(eventIndex);
    if (eventIndex === -1)
      return this.log.length === 0 ? this.state.snapshot() : this.state.at(this.versionBeforeFirst);
    if (!Number.isInteger(eventIndex) || eventIndex < this.baseCount || eventIndex >= this.log.length) {
      throw new RangeError(
        `Session '${this.id}': no event at index ${eventIndex} (0..${this.log.length - 1})`,
      );
    }
    return this.state.at(this.versionAfter(eventIndex));
  }
}

/**
 * The small-session path, and why: a Set of the committed events, an array of the state's
 * version after each and a map of where each invocation starts make `isCommitted`, `stateAt` and
 * `firstIndexOf` O(1) on a long session, and took 352 B of the 1,930 B of every idle session of
 * W5 (two events). Up to SMALL events a scan of the log answers all three (one comparison per
 * event; for a version, one delta checked per event), so a session only gets an index once it
 * passes SMALL events or its state changes between two events. Measured (callgrind, sessions of
 * n events through isCommitted + commitNew + commit): n = 16, 2,793 instructions per commit on
 * the small path against 6,780 indexed; n = 32, 3,885 against 4,718; the scan grows with n, so
 * the index is made at 16.
 */
const SMALL = 16;

// The O(1) answers for a session past the small path (see SMALL), for its own events (those
// from `baseCount` on; the adopted ones are `base`'s).
class SessionIndex {
  // A strong set: the log holds every committed event anyway, and a WeakSet's ephemeron table
  // costs the garbage collector work per entry on every major GC (a long session has millions).
  // Made and brought up to date when asked (`isOwn`), not on every commit: `isCommitted` answers
  // the events it is nearly always asked about (the one committed last, the one made last) with
  // a comparison each, so a session whose events are all made by `ctx.newEvent` never makes it.
  // Filled on every commit, it cost W2 10% (0.507 → 0.457 ms) and W1 8% (1.50 → 1.37 ms), and
  // 26 B of every event a session keeps (547 → 521 B; four alternated processes, 2026-12-04).
  private committed: Set<Event> | undefined;
  // The event made for the session last (`Session.noteNew`), while it is not committed: never a
  // committed event, since every commit goes through `commitNew`, which clears it.
  fresh: Event | undefined;
  readonly versionAfter: number[] = [];
  // Where each invocation's first event is (one string comparison per commit): a resume finds
  // its invocation without scanning the session.
  readonly firstOf = new Map<string, number>();

  // Whether `event` is one of the own events of `log` (those from `baseCount` on): O(1)
  // amortised, each event added to the set once, at the first question after its commit.
  isOwn(log: readonly Event[], baseCount: number, event: Event): boolean {
    // The own events are distinct objects, so the set's size is how many of them it holds.
    const committed = (this.committed ??= new Set());
    for (let i = baseCount + committed.size; i < log.length; i++) committed.add(log[i]!);
    return committed.has(event);
  }

  // Indexes the event at `at` of `log`.
  add(log: readonly Event[], at: number, versionAfter: number): void {
    const event = log[at]!;
    this.versionAfter.push(versionAfter);
    const invocation = event.invocationId;
    if ((at === 0 || invocation !== log[at - 1]!.invocationId) && !this.firstOf.has(invocation))
      this.firstOf.set(invocation, at);
  }
}
