import { type Event, hasStateDelta } from './Event.js';
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
  private readonly versionAfter: number[] = [];
  // A strong set: the log holds every committed event anyway, and a WeakSet's ephemeron table
  // costs the garbage collector work per entry on every major GC (a long session has millions).
  private readonly committed = new Set<Event>();
  // The event committed last: the one every enclosing agent's wrapper asks about, right after.
  private last: Event | undefined;
  private versionBeforeFirst = 0;
  // Where each invocation's first event is (one string comparison per commit): a resume finds
  // its invocation without scanning the session.
  // The first invocation's id and index live in two fields; the map is made for the second one
  // (a Map is ~180 B of heap, and most sessions held in memory have one invocation: W5).
  private firstOf: Map<string, number> | undefined;
  private firstInvocation: string | undefined;
  private firstInvocationAt = -1;
  private lastInvocation: string | undefined;
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
        : this.state.at(this.versionAfter[count - this.baseCount]! - (hasStateDelta(next) ? 1 : 0));
    const copy = new Session({ id: this.id, appName: this.appName, userId: this.userId, state: target });
    copy.adopt(this, count);
    return copy;
  }

  // Takes the first `count` events of `base` as already committed: the arrays are copied (two
  // memcpys), the committed set is not (`isCommitted` asks `base`), and their past states are
  // read from `base` (stateAt), so a prefix costs no replay of the deltas.
  private adopt(base: Session, count: number): void {
    this.base = base;
    this.baseCount = count;
    this.log = base.log.slice(0, count);
    // `versionAfter` holds this session's own events only (index - baseCount): the adopted
    // events' versions are `base`'s (stateAt and prefix below `baseCount` go there).
    this.last = this.log[count - 1];
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
    const base = this.base;
    if (base !== undefined) {
      const there = base.firstIndexOf(invocationId);
      if (there !== -1 && there < this.baseCount) return there;
    }
    if (invocationId === this.firstInvocation) return this.firstInvocationAt;
    return this.firstOf?.get(invocationId) ?? -1;
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
    return (
      event === this.last || this.committed.has(event) || (this.base !== undefined && this.adopted(event))
    );
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
   * @internal `commit` for a caller that has just checked `isCommitted` (the agent wrapper does,
   * for every event): the same work without asking the set a second time.
   */
  commitNew(event: Event): void {
    const log = this.log;
    if (log.length === 0) this.versionBeforeFirst = this.state.version;
    // Validates the delta (and throws, changing nothing) before anything is recorded.
    this.state.commitDelta(event.actions.stateDelta, event.author);
    const invocation = event.invocationId;
    if (invocation !== this.lastInvocation) {
      this.lastInvocation = invocation;
      this.noteInvocation(invocation, log.length);
    }
    this.committed.add(event);
    this.last = event;
    this.log.push(event);
    this.versionAfter.push(this.state.version);
  }

  // Records where an invocation's first event is, unless an earlier one of it was recorded.
  private noteInvocation(invocation: string, at: number): void {
    if (this.firstInvocation === undefined) {
      this.firstInvocation = invocation;
      this.firstInvocationAt = at;
    } else if (invocation !== this.firstInvocation) {
      const firstOf = (this.firstOf ??= new Map());
      if (!firstOf.has(invocation)) firstOf.set(invocation, at);
    }
  }

  /**
   * The state as it was right after the event at `eventIndex` was committed (`-1`: before any
   * event), for inspecting a session as it was.
   */
  stateAt(eventIndex: number): State {
    if (this.base !== undefined && eventIndex < this.baseCount) return this.base.stateAt(eventIndex);
    if (eventIndex === -1)
      return this.log.length === 0 ? this.state.snapshot() : this.state.at(this.versionBeforeFirst);
    const version = this.versionAfter[eventIndex - this.baseCount];
    if (version === undefined) {
      throw new RangeError(
        `Session '${this.id}': no event at index ${eventIndex} (0..${this.log.length - 1})`,
      );
    }
    return this.state.at(version);
  }
}
