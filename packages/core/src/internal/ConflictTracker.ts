import type { Event, StateConflict } from '../Event.js';
import { StateConflictError } from '../errors.js';
import type { StateStore } from '../StateStore.js';

/** What a `ParallelAgent` does when two of its branches write the same key in one run. */
export type ConflictPolicy = 'report' | 'error';

/**
 * Per-run record of which branch of one parallel run wrote each key. Created at subscription, so
 * retries and loops start clean; inherited by every context beneath the parallel agent.
 *
 * An event conflicts when it writes a key the session holds whose last writer in this run is
 * another branch. Why the map of writers is made late: a key the session does not hold has no
 * value to overwrite, so until a branch writes a key the session holds, the run's events are only
 * kept in a list, and the map is built from it then. A fan-out of new keys never builds it: one
 * `has` per key instead of a `get` and a `set` on a map as large as the fan-out (W3 at 100,000
 * branches, each build alone in a process: 444 → 398 ms per run).
 */
export class ConflictTracker {
  // Until `writers` is built: the events this run's branches wrote, in commit order.
  private written: Event[] | undefined;
  private writers: Map<string, string> | undefined;
  /** The parallel run's branch followed by a dot (empty at the root): every branch of the run starts with it. */
  readonly prefix: string;

  /**
   * @param arms names of the branches below `branch` that belong to the run, when others share
   *   its prefix (`mergeWith` runs in its caller's branch, beside the caller's other children);
   *   every branch below `branch` when absent (a `ParallelAgent` owns its branch).
   */
  constructor(
    private readonly agentName: string,
    branch: string,
    private readonly policy: ConflictPolicy,
    private readonly arms?: ReadonlySet<string>,
  ) {
    // At the root (`mergeWith` on a root agent) the arms' branches are bare names.
    this.prefix = branch === '' ? '' : `${branch}.`;
  }

  /** The branch of the run's arm that `branch` lies in (e.g. `root.par.a`), or undefined if none. */
  armOf(branch: string): string | undefined {
    const prefix = this.prefix;
    if (!branch.startsWith(prefix)) return undefined;
    const dot = branch.indexOf('.', prefix.length);
    const arm = dot === -1 ? branch : branch.slice(0, dot);
    if (this.arms !== undefined && !this.arms.has(arm.slice(prefix.length))) return undefined;
    return arm;
  }

  /**
   * Returns the event, annotated with `stateConflicts` when it overwrote another branch's key.
   * @param state the session's state before the event's delta is applied
   */
  check(event: Event, state: StateStore): Event {
    const child = this.armOf(event.branch);
    if (child === undefined) return event;
    let conflicts: StateConflict[] | undefined;
    const delta = event.actions.stateDelta;
    for (const key in delta) {
      if (!state.has(key)) continue;
      const previous = (this.writers ??= this.build()).get(key);
      if (previous !== undefined && previous !== child) {
        if (this.policy === 'error') throw new StateConflictError(this.agentName, key, previous, child);
        (conflicts ??= []).push(Object.freeze({ key, previousBranch: previous, branch: child }));
      }
    }
    const writers = this.writers;
    if (writers === undefined) (this.written ??= []).push(event);
    else for (const key in delta) writers.set(key, child);
    if (conflicts === undefined) return event;
    const all = event.stateConflicts === undefined ? conflicts : [...event.stateConflicts, ...conflicts];
    return Object.freeze({ ...event, stateConflicts: Object.freeze(all) });
  }

  /** The writer of each key so far, from the events kept until now (which it then drops). */
  private build(): Map<string, string> {
    const writers = new Map<string, string>();
    for (const event of this.written ?? []) {
      const arm = this.armOf(event.branch)!;
      for (const key in event.actions.stateDelta) writers.set(key, arm);
    }
    this.written = undefined;
    return writers;
  }
}
