import type { DeploymentStatus } from './DeploymentStatus.js';

/**
 * The persisted position of a goal-seeking deployment: plain JSON, no live handles. Give it back
 * as the `snapshot` option to continue where it was (a `running` snapshot restores as `stopped`,
 * since the process that ran it is gone; `start()` then resumes at `phaseIndex`).
 *
 * @example
 * ```ts
 * const saved = JSON.stringify(seeker.getSnapshot());
 * const again = new GoalSeekingAgent({ ...options, snapshot: JSON.parse(saved) });
 * again.start();
 * ```
 */
export interface GoalSeekerSnapshot {
  readonly deploymentId: string;
  readonly phase: string;
  /** Index of `phase` among the phases; the number of phases while evaluating. */
  readonly phaseIndex: number;
  /** From 1. */
  readonly attempt: number;
  readonly status: DeploymentStatus;
  readonly at: number;
}
