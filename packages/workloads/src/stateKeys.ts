/**
 * The session state keys a goal-seeking deployment writes (through event state deltas) and reads
 * back to resume, and the keys an evaluator writes to report its verdict.
 *
 * @example
 * ```ts
 * import type { Session } from '@rxagents/core';
 * import { DEPLOYMENT_KEYS } from '@rxagents/workloads';
 *
 * // A deployment's session records where it is, under these keys.
 * const statusOf = (session: Session) => session.state.get(DEPLOYMENT_KEYS.status); // e.g. 'running'
 * ```
 */
export const DEPLOYMENT_KEYS = {
  /** The deployment id (a run resumes only a position written under its own id). */
  id: 'deployment:id',
  goal: 'deployment:goal',
  /** Current phase name, `'evaluation'` while evaluating. */
  phase: 'deployment:phase',
  /** A {@link DeploymentStatus}. */
  status: 'deployment:status',
  /** Attempt number, from 1. */
  attempt: 'deployment:attempt',
  /** The last evaluation: `{ attempt, met, reason }`. */
  evaluation: 'deployment:evaluation',
} as const;

/**
 * Keys the evaluator writes to report its verdict, either
 * - `goal:verdict`: an object `{ met: boolean, reason?: string }`, e.g. from an `LlmAgent` with
 *   `outputKey: 'goal:verdict'` and `outputSchema: z.object({ met: z.boolean(), reason: z.string() })`; or
 * - `goal:met`: `true` / `false` (or the strings `'true'` / `'false'`, e.g. from an `LlmAgent` with
 *   `outputKey: 'goal:met'`), with an optional `goal:reason` string.
 *
 * `goal:verdict` wins when both are present. The goal seeker resets all three to `null` before
 * each evaluation, so a stale verdict is never read.
 *
 * @example
 * ```ts
 * import { agent } from '@rxagents/core';
 * import { GOAL_KEYS } from '@rxagents/workloads';
 * import { of } from 'rxjs';
 *
 * // An evaluator that reports its verdict the way the goal seeker reads it.
 * const evaluator = agent('evaluator', (ctx) =>
 *   of(ctx.newEvent({ actions: { stateDelta: { [GOAL_KEYS.verdict]: { met: true, reason: 'the app answers' } } } })),
 * );
 * ```
 */
export const GOAL_KEYS = { verdict: 'goal:verdict', met: 'goal:met', reason: 'goal:reason' } as const;

/**
 * The pseudo-phase name reported while the evaluator runs.
 *
 * @example
 * ```ts
 * import { EVALUATION_PHASE, Workload } from '@rxagents/workloads';
 *
 * const workload = new Workload();
 * const evaluating = (id: string) => workload.status(id).phase === EVALUATION_PHASE;
 * ```
 */
export const EVALUATION_PHASE = 'evaluation';
