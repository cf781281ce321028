import type { PendingRequest } from '@rxagents/core';
import type { DeploymentStatus } from './DeploymentStatus.js';

const MAX_LOGGED_TEXT = 200;

/**
 * The messages of a deployment's log, one wording for every process that writes one: the
 * in-process `GoalSeekingAgent` and `Workload`, and the BullMQ workers and `DistributedWorkload`
 * writing a distributed deployment's log. Lines are `formatLogLine(at, message)`.
 *
 * @example
 * ```ts
 * import { DEPLOYMENT_LOG, formatLogLine } from '@rxagents/workloads';
 * formatLogLine(0, DEPLOYMENT_LOG.resuming('build', 2)); // "[1970-01-01 00:00:00] Resuming at phase 'build' (attempt 2)"
 * ```
 */
export const DEPLOYMENT_LOG = {
  started: (id: string, goal: string): string => `Deployment '${id}' started: ${goal}`,
  /** Recorded for the workers, not started yet (`what`: the goal, else the spec name). */
  queued: (id: string, what: string): string => `Deployment '${id}' queued: ${what}`,
  resuming: (phase: string, attempt: number): string => `Resuming at phase '${phase}' (attempt ${attempt})`,
  /** `phase` undefined: it never started. */
  stopped: (phase: string | undefined, status: DeploymentStatus): string =>
    phase === undefined
      ? 'Stopped before starting'
      : status === 'waiting'
        ? `Stopped while waiting in phase '${phase}'`
        : `Stopped during phase '${phase}'`,
  waiting: (phase: string, requests: readonly PendingRequest[]): string =>
    `Waiting for input in phase '${phase}': ${requests.map((r) => `'${r.id}' (${r.kind})`).join(', ')}`,
  answered: (requestId: string): string => `Answered '${requestId}'`,
  failed: (message: string): string => `Failed: ${message}`,
  noFinalStatus: 'Failed: the run ended before reaching a final status',
  cleaned: 'Cleaned up',
  phaseStarted: (phase: string, attempt: string): string =>
    `Phase '${phase}' started${attempt === '' ? '' : ` (attempt ${attempt})`}`,
  phaseCompleted: (phase: string): string => `Phase '${phase}' completed`,
  evaluating: (attempt: string): string => `Evaluating the goal (attempt ${attempt})`,
  verdict: (met: boolean, attempt: string, reason: string): string =>
    `Goal ${met ? 'met' : 'not met'} (attempt ${attempt})${reason === '' ? '' : `: ${reason}`}`,
  completed: 'Goal reached: deployment completed',
  /** What a phase's agent said (its first line, clipped to 200 characters). */
  said: (phase: string, text: string): string => `[${phase}] ${clip(text)}`,
  error: (phase: string, message: string): string => `[${phase}] error: ${clip(message)}`,
} as const;

function clip(value: string): string {
  const line = value.split('\n', 1)[0]!;
  return line.length > MAX_LOGGED_TEXT ? `${line.slice(0, MAX_LOGGED_TEXT - 1)}…` : line;
}
