// The typed errors of pausing and resuming (human in the loop), apart from errors.ts so that
// the errors of one feature read together. Each names the agent and the field at fault and is
// raised before anything is committed.
import { RxAgentsError } from './errors.js';

/**
 * A resume was asked for a session that has no pending request.
 *
 * @example
 * ```ts
 * import { NothingPendingError } from '@rxagents/core';
 *
 * // A resume endpoint answers 409 Conflict when the session waits for nothing.
 * const status = (error: unknown) => (error instanceof NothingPendingError ? 409 : 500);
 * ```
 */
export class NothingPendingError extends RxAgentsError {
  constructor(agent: string, sessionId: string) {
    super('NOTHING_PENDING', `Agent '${agent}': resume: session '${sessionId}' has no pending request`, {
      agent,
      field: 'resume',
    });
  }
}

/**
 * A resume answered a request id the session never saw.
 *
 * @example
 * ```ts
 * import { UnknownRequestError } from '@rxagents/core';
 *
 * // Tells the client which id it got wrong.
 * const explain = (error: unknown) => (error instanceof UnknownRequestError ? `no request ${error.requestId}` : undefined);
 * ```
 */
export class UnknownRequestError extends RxAgentsError {
  readonly requestId: string;
  constructor(agent: string, requestId: string, pending: readonly string[]) {
    super(
      'UNKNOWN_REQUEST',
      `Agent '${agent}': resume['${requestId}']: no such request; pending: ${pending.join(', ') || 'none'}`,
      { agent, field: `resume.${requestId}` },
    );
    this.requestId = requestId;
  }
}

/**
 * A resume answered a request that an earlier resume already answered (or a racing process did).
 *
 * @example
 * ```ts
 * import { RequestAlreadyAnsweredError } from '@rxagents/core';
 *
 * // Two tabs answered the same approval: the second one is told it was too late.
 * const tooLate = (error: unknown) => error instanceof RequestAlreadyAnsweredError;
 * ```
 */
export class RequestAlreadyAnsweredError extends RxAgentsError {
  readonly requestId: string;
  constructor(agent: string, requestId: string) {
    super('REQUEST_ALREADY_ANSWERED', `Agent '${agent}': resume['${requestId}']: already answered`, {
      agent,
      field: `resume.${requestId}`,
    });
    this.requestId = requestId;
  }
}

/**
 * An answer does not match the schema its request declared; nothing was committed.
 *
 * @example
 * ```ts
 * import { InvalidAnswerError } from '@rxagents/core';
 *
 * // Shows the person what is wrong with their answer; nothing was committed, so they can answer again.
 * const problems = (error: unknown) => (error instanceof InvalidAnswerError ? error.issues : []);
 * ```
 */
export class InvalidAnswerError extends RxAgentsError {
  readonly requestId: string;
  readonly issues: readonly string[];
  constructor(agent: string, requestId: string, issues: readonly string[]) {
    super(
      'INVALID_ANSWER',
      `Agent '${agent}': resume['${requestId}']: the answer does not match the request's schema: ${issues.join('; ')}`,
      { agent, field: `resume.${requestId}` },
    );
    this.requestId = requestId;
    this.issues = issues;
  }
}

/**
 * Two requests of one branch were outstanding at once under the same id.
 *
 * @example
 * ```ts
 * import { RequestIdCollisionError } from '@rxagents/core';
 *
 * // Two concurrent requestInput calls of one branch need distinct ids, e.g. `approve-${n}`.
 * const collided = (error: unknown) => (error instanceof RequestIdCollisionError ? error.requestId : undefined);
 * ```
 */
export class RequestIdCollisionError extends RxAgentsError {
  readonly requestId: string;
  constructor(agent: string, requestId: string) {
    super(
      'REQUEST_ID_COLLISION',
      `Agent '${agent}': requestInput.id: '${requestId}' is already waiting on this branch; give concurrent requests distinct ids`,
      { agent, field: 'requestInput.id' },
    );
    this.requestId = requestId;
  }
}

/**
 * Re-running a paused invocation over its log produced something the log does not hold (the
 * agents changed, or depend on something outside the session): the resume stops before
 * committing anything.
 *
 * @example
 * ```ts
 * import { ReplayDivergedError } from '@rxagents/core';
 *
 * // The agents changed since the invocation paused: the resume is refused, nothing committed.
 * const diverged = (error: unknown) => error instanceof ReplayDivergedError && error.field;
 * ```
 */
export class ReplayDivergedError extends RxAgentsError {
  constructor(agent: string, field: string, message: string) {
    super(
      'REPLAY_DIVERGED',
      `Agent '${agent}': ${field}: the resumed replay diverged from the log: ${message}`,
      {
        agent,
        field,
      },
    );
  }
}

/**
 * Whether an error is a fault of the resume itself (a bad answer, a diverged replay, colliding
 * request ids) rather than of the agent's work: code that turns an agent's errors into a result
 * (a tool error, a failed phase) lets these through, so the resume fails with nothing committed.
 *
 * @example
 * ```ts
 * import { agent, isPause, isResumeFault, requestInput, text } from '@rxagents/core';
 * import { catchError, map, of, throwError } from 'rxjs';
 * // A phase that reports its failures as a result, but lets pauses and resume faults through.
 * const approve = agent('approve', (ctx) =>
 *   requestInput(ctx, { id: 'approve' }).pipe(
 *     map(() => ctx.newEvent({ content: text('approved') })),
 *     catchError((e) => (isPause(e) || isResumeFault(e) ? throwError(() => e) : of(ctx.newEvent({ content: text('failed') })))),
 *   ),
 * );
 * ```
 */
export function isResumeFault(error: unknown): boolean {
  return (
    error instanceof InvalidAnswerError ||
    error instanceof ReplayDivergedError ||
    error instanceof RequestIdCollisionError
  );
}
