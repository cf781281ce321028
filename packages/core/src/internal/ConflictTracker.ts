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

  /** Returns the event, annotated with `stateConflicts` when it overwrote another branch's key. */
  check(event: Event): Event {
    const child = this.armOf(event.branch);
    if (child === undefined) return event;
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
