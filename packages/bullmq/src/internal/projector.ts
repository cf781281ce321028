import { type Event, type JsonValue, textOf } from '@rxagents/core';
import { DEPLOYMENT_KEYS, EVALUATION_PHASE } from '@rxagents/workloads';
import { formatLogLine } from './deploymentRecord.js';

const MAX_LOGGED_TEXT = 200;

/** @internal What one committed event changes in a deployment's record. */
export interface Projection {
  readonly change: { readonly phase: string; readonly status: string } | undefined;
  readonly lines: readonly string[];
}

/**
 * @internal Turns a run's committed events into status changes and log lines, with the messages
 * of `GoalSeekingAgent`'s own logs. Deterministic in the events, so a resumed attempt re-derives
 * exactly what its predecessor projected (the record skips those by sequence number).
 */
export function deploymentProjector(
  seekerName: string,
  start: { readonly phase: string; readonly status: string },
  maxAttempts: number,
  hasEvaluator: boolean,
): (event: Event) => Projection {
  const attempts = hasEvaluator ? `/${maxAttempts}` : '';
  let phase = start.phase;
  let status = start.status;
  let attempt = 1;
  return (event) => {
    const lines: string[] = [];
    const log = (message: string): void => {
      lines.push(formatLogLine(event.timestamp, message));
    };
    const delta = event.actions.stateDelta;
    if (event.author === seekerName && event.branch === seekerName) {
      const evaluation = delta[DEPLOYMENT_KEYS.evaluation];
      if (typeof evaluation === 'object' && evaluation !== null && !Array.isArray(evaluation)) {
        const { met, reason, attempt: at } = evaluation as Readonly<Record<string, JsonValue>>;
        const why = typeof reason === 'string' && reason !== '' ? `: ${reason}` : '';
        log(`Goal ${met === true ? 'met' : 'not met'} (attempt ${String(at)}${attempts})${why}`);
      }
      const nextStatus = delta[DEPLOYMENT_KEYS.status];
      const nextPhase = delta[DEPLOYMENT_KEYS.phase];
      if (typeof nextStatus !== 'string' || typeof nextPhase !== 'string')
        return { change: undefined, lines };
      const nextAttempt = delta[DEPLOYMENT_KEYS.attempt];
      if (typeof nextAttempt === 'number' && nextAttempt >= 1) attempt = nextAttempt;
      if (
        status === 'running' &&
        phase !== EVALUATION_PHASE &&
        (nextPhase !== phase || nextStatus !== 'running') &&
        nextStatus !== 'failed'
      ) {
        log(`Phase '${phase}' completed`);
      }
      if (nextStatus === 'running') {
        log(
          nextPhase === EVALUATION_PHASE
            ? `Evaluating the goal (attempt ${attempt}${attempts})`
            : `Phase '${nextPhase}' started${attempts === '' ? '' : ` (attempt ${attempt}${attempts})`}`,
        );
      } else if (nextStatus === 'completed') {
        log('Goal reached: deployment completed');
      } else if (nextStatus === 'failed') {
        log(`Failed: ${event.errorMessage ?? `phase '${nextPhase}' failed`}`);
      }
      phase = nextPhase;
      status = nextStatus;
      return { change: { phase, status }, lines };
    }
    const said = textOf(event.content).trim();
    if (said !== '') log(`[${phase}] ${clip(said)}`);
    if (event.errorMessage !== undefined) log(`[${phase}] error: ${clip(event.errorMessage)}`);
    return { change: undefined, lines };
  };
}

function clip(value: string): string {
  const line = value.split('\n', 1)[0]!;
  return line.length > MAX_LOGGED_TEXT ? `${line.slice(0, MAX_LOGGED_TEXT - 1)}…` : line;
}
