import type { Event } from './Event.js';
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
  private readonly committed = new WeakSet<Event>();
  // The event committed last: the one every enclosing agent's wrapper asks about, right after.
  private last: Event | undefined;
  private versionBeforeFirst = 0;

  constructor(options: {
    id: string;
    appName: string;
    userId: string;
    state?: StateStore | Readonly<Record<string, unknown>>;
  }) {
    this.id = options.id;
    this.appName = options.appName;
    this.userId = options.userId;
    this.state = options.state instanceof StateStore ? options.state : new StateStore(options.state);
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
    const delta = event.actions.stateDelta;
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
