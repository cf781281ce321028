/**
 * The defaults every host of goal-seeking deployments shares — `GoalSeekingAgent`, `Workload`,
 * and across processes the BullMQ workers and `DistributedWorkload` — so a deployment's session
 * and logs are found under the same names whichever process wrote them.
 *
 * @example
 * ```ts
 * import { DEPLOYMENT_DEFAULTS } from '@rxagents/workloads';
 * const key = { appName: DEPLOYMENT_DEFAULTS.appName, userId: DEPLOYMENT_DEFAULTS.userId, sessionId: 'd1' };
 * ```
 */
export const DEPLOYMENT_DEFAULTS = {
  /** App name of deployments' sessions. */
  appName: 'workloads',
  /** User id of deployments' sessions. */
  userId: 'workload',
  /** Log lines kept per deployment (oldest dropped first). */
  logCapacity: 1000,
  /** Attempts at the phases when there is an evaluator, the first included. */
  maxAttempts: 3,
  /** Lines `logs()` returns when not told how many. */
  logLines: 100,
} as const;
