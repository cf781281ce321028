import type { PendingRequest } from '@rxagents/core';

/**
 * Where a deployment stands: `pending` (not started), `running`, `waiting` (a phase asked for a
 * person's input with `requestInput`: the run is paused until `respond()` answers it), or one of
 * the terminal states `completed` (goal reached), `failed` (a phase or the evaluation failed) and
 * `stopped` (cancelled; a stopped deployment can be resumed with `start()`).
 */
export type DeploymentStatus = 'pending' | 'running' | 'waiting' | 'completed' | 'failed' | 'stopped';

/**
 * One value of `status$`: the phase the deployment is in (or ended in), its status, and the
 * scheduler time of the change.
 *
 * @example
 * ```ts
 * import type { StatusUpdate } from '@rxagents/workloads';
 * const update: StatusUpdate = { phase: 'build', status: 'running', at: 0 };
 * ```
 */
export interface StatusUpdate {
  /** Phase name; `'evaluation'` while the evaluator runs. */
  readonly phase: string;
  readonly status: DeploymentStatus;
  /** Milliseconds from the deployment's scheduler. */
  readonly at: number;
  /** While `waiting`: the requests it waits for (answer one with `respond(requestId, answer)`). */
  readonly requests?: readonly PendingRequest[];
}

/**
 * Whether a status is final for a run (`completed`, `failed`, `stopped`).
 *
 * @example
 * ```ts
 * import { isTerminalStatus } from '@rxagents/workloads';
 * isTerminalStatus('stopped'); // true
 * ```
 */
export function isTerminalStatus(status: DeploymentStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'stopped';
}
