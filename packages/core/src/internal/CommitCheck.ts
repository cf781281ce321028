import type { Event } from '../Event.js';
import type { StateStore } from '../StateStore.js';

/**
 * A check an enclosing agent (a graph with a state schema) runs on each event of its runs before
 * the event is committed: it throws to refuse the event, and then nothing of it is committed.
 */
export interface CommitCheck {
  check(event: Event, state: StateStore): void;
}
