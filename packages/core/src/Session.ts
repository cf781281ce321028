import { type Event, hasStateDelta } from './Event.js';
import { assertPlainDelta } from './internal/validateState.js';
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
  private readonly log: Event[] = [];
  private readonly versionAfter: number[] = [];
  // A strong set: the log holds every committed event anyway, and a WeakSet's ephemeron table
  // costs the garbage collector work per entry on every major GC (a long session has millions).
  private readonly committed = new Set<Event>();
  // The event committed last: the one every enclosing agent's wrapper asks about, right after.
  private last: Event | undefined;
  private versionBeforeFirst = 0;

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
    const copy = new Session({
      id: this.id,
      appName: this.appName,
      userId: this.userId,
      state: this.stateAt(-1),
      events: this.log.slice(0, count),
    });
    // State also changes between events (shared app:/user: values synced in, temp: dropped):
    // bring those in too, so the copy holds exactly the state event `count` was produced on.
    const next = this.log[count];
    const target =
      next === undefined
        ? this.state.snapshot()
        : this.state.at(this.versionAfter[count]! - (hasStateDelta(next) ? 1 : 0));
    copy.state.syncTo(target);
    return copy;
  }

  /**
   * Position of a committed event in {@link Session.events}, or -1. Searches from the end, so it
   * is O(1) for the event just committed — what a session service asks on append.
   */
  indexOf(event: Event): number {
    for (let i = this.log.length - 1; i >= 0; i--) if (this.log[i] === event) return i;
    return -1;
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
    return event === this.last || this.committed.has(event);
  }

  /**
   * Validates and applies the event's state delta, then records the event. Idempotent; partial
   * events are ignored. Throws (an `InvalidStateError` naming the author) without changing
   * anything when the delta is invalid.
   */
  commit(event: Event): void {
    if (event.partial === true || event === this.last || this.committed.has(event)) return;
    this.commitNew(event);
  }

  /**
   * @internal `commit` for a caller that has just checked `isCommitted` (the agent wrapper does,
   * for every event): the same work without asking the set a second time.
   */
  commitNew(event: Event): void {
    const delta = event.actions.stateDelta;
    // Before the for…in below: a string delta would enumerate "0", "1"…, a null or number none.
    assertPlainDelta(event.author, delta);
    let hasDelta = false;
    for (const _ in delta) {
      hasDelta = true;
      break;
    }
    if (this.log.length === 0) this.versionBeforeFirst = this.state.version;
    if (hasDelta) this.state.apply(delta, event.author);
    this.committed.add(event);
    this.last = event;
    this.log.push(event);
    this.versionAfter.push(this.state.version);
  }

  /**
   * The state as it was right after the event at `eventIndex` was committed (`-1`: before any
   * event), for inspecting a session as it was.
   */
  stateAt(eventIndex: number): State {
    if (eventIndex === -1)
      return this.log.length === 0 ? this.state.snapshot() : this.state.at(this.versionBeforeFirst);
    const version = this.versionAfter[eventIndex];
    if (version === undefined) {
      throw new RangeError(
        `Session '${this.id}': no event at index ${eventIndex} (0..${this.log.length - 1})`,
      );
    }
    return this.state.at(version);
  }
}
