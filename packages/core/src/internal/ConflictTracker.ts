import type { Event, StateConflict } from '../Event.js';
import { StateConflictError } from '../errors.js';

/** What a `ParallelAgent` does when two of its branches write the same key in one run. */
export type ConflictPolicy = 'report' | 'error';

/**
 * Per-run record of which branch of one parallel run wrote each key. Created at subscription, so
 * retries and loops start clean; inherited by every context beneath the parallel agent.
 */
export class ConflictTracker {
  private readonly writers = new Map<string, string>();
  /** The parallel agent's branch followed by a dot: every branch of the run starts with it. */
  readonly prefix: string;

  constructor(
    private readonly agentName: string,
    branch: string,
    private readonly policy: ConflictPolicy,
  ) {
    this.prefix = `${branch}.`;
  }

  /** Returns the event, annotated with `stateConflicts` when it overwrote another branch's key. */
  check(event: Event): Event {
    if (!event.branch.startsWith(this.prefix)) return event;
    const dot = event.branch.indexOf('.', this.prefix.length);
    const child = dot === -1 ? event.branch : event.branch.slice(0, dot);
    let conflicts: StateConflict[] | undefined;
    const delta = event.actions.stateDelta;
    for (const key in delta) {
      const previous = this.writers.get(key);
      if (previous !== undefined && previous !== child) {
        if (this.policy === 'error') throw new StateConflictError(this.agentName, key, previous, child);
        (conflicts ??= []).push(Object.freeze({ key, previousBranch: previous, branch: child }));
      }
    }
    for (const key in delta) this.writers.set(key, child);
    if (conflicts === undefined) return event;
    const all = event.stateConflicts === undefined ? conflicts : [...event.stateConflicts, ...conflicts];
    return Object.freeze({ ...event, stateConflicts: Object.freeze(all) });
  }
}
