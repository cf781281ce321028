import { type Event, type JsonValue, textOf } from '@rxagents/core';
import type { DeploymentStatus } from './DeploymentStatus.js';
import { DEPLOYMENT_LOG } from './deploymentLog.js';
import { formatLogLine } from './formatLogLine.js';
import { DEPLOYMENT_KEYS, EVALUATION_PHASE } from './stateKeys.js';

/** What one event of a goal seeker's run changes in its deployment: a status, log lines. */
export interface DeploymentProjection {
  /** The status the event moves the deployment to (a goal-seeker status event), else undefined. */
  readonly change:
    | { readonly phase: string; readonly status: DeploymentStatus; readonly attempt: number }
    | undefined;
  /** Log lines, each `formatLogLine(event.timestamp, …)`, in order. */
  readonly lines: readonly string[];
}

/** The goal seeker a projection follows: what its status events are recognised and counted by. */
export interface ProjectedSeeker {
  readonly name: string;
  readonly maxAttempts: number;
  readonly evaluator: unknown;
}

/**
 * Turns a goal seeker's run, event by event, into status changes and log lines: the one
 * projection of a deployment, used by `GoalSeekingAgent`'s own status and logs and by the BullMQ
 * workers writing a distributed deployment's record. Deterministic in the events (its state —
 * the phase and status so far — lives in the returned closure), so a resumed attempt re-derives
 * exactly what its predecessor projected.
 *
 * @example
 * ```ts
 * import { agent } from '@rxagents/core';
 * import { deploymentProjector, GoalSeekingAgent } from '@rxagents/workloads';
 * import { EMPTY } from 'rxjs';
 * const seeker = new GoalSeekingAgent({ deploymentId: 'd1', goal: 'g', phases: [{ name: 'build', agent: agent('b', () => EMPTY) }] });
 * const project = deploymentProjector(seeker, { phase: 'build', status: 'pending' });
 * // for each committed event of seeker's run:
 * // const { change, lines } = project(event);
 * ```
 * @param start where the deployment stands before the run's first event
 */
export function deploymentProjector(
  seeker: ProjectedSeeker,
  start: { readonly phase: string; readonly status: DeploymentStatus; readonly attempt?: number },
): (event: Event) => DeploymentProjection {
  const of = seeker.evaluator === undefined ? '' : `/${seeker.maxAttempts}`;
  let { phase, status } = start;
  let attempt = start.attempt ?? 1;
  return (event) => {
    const lines: string[] = [];
    const log = (message: string): void => {
      lines.push(formatLogLine(event.timestamp, message));
    };
    if (event.author !== seeker.name || event.branch !== seeker.name) {
      if (event.partial === true) return { change: undefined, lines };
      const said = textOf(event.content).trim();
      if (said !== '') log(DEPLOYMENT_LOG.said(phase, said));
      if (event.errorMessage !== undefined) log(DEPLOYMENT_LOG.error(phase, event.errorMessage));
      return { change: undefined, lines };
    }
    const delta = event.actions.stateDelta;
    const evaluation = delta[DEPLOYMENT_KEYS.evaluation];
    if (typeof evaluation === 'object' && evaluation !== null && !Array.isArray(evaluation)) {
      const { met, reason, attempt: at } = evaluation as Readonly<Record<string, JsonValue>>;
      log(
        DEPLOYMENT_LOG.verdict(met === true, `${String(at)}${of}`, typeof reason === 'string' ? reason : ''),
      );
    }
    const nextStatus = delta[DEPLOYMENT_KEYS.status];
    const nextPhase = delta[DEPLOYMENT_KEYS.phase];
    if (typeof nextStatus !== 'string' || typeof nextPhase !== 'string') return { change: undefined, lines };
    const nextAttempt = delta[DEPLOYMENT_KEYS.attempt];
    if (typeof nextAttempt === 'number' && nextAttempt >= 1) attempt = nextAttempt;
    const leaving = nextPhase !== phase || nextStatus !== 'running';
    if (status === 'running' && phase !== EVALUATION_PHASE && leaving && nextStatus !== 'failed') {
      log(DEPLOYMENT_LOG.phaseCompleted(phase));
    }
    if (nextStatus === 'running') {
      log(
        nextPhase === EVALUATION_PHASE
          ? DEPLOYMENT_LOG.evaluating(`${attempt}${of}`)
          : DEPLOYMENT_LOG.phaseStarted(nextPhase, of === '' ? '' : `${attempt}${of}`),
      );
    } else if (nextStatus === 'completed') {
      log(DEPLOYMENT_LOG.completed);
    } else if (nextStatus === 'failed') {
      log(DEPLOYMENT_LOG.failed(event.errorMessage ?? `phase '${nextPhase}' failed`));
    }
    phase = nextPhase;
    status = nextStatus as DeploymentStatus;
    return { change: { phase, status, attempt }, lines };
  };
}
