/** Machine-readable kind of an {@link HttpError}. */
export type HttpErrorCode =
  | 'INVALID_JSON'
  | 'INVALID_REQUEST'
  | 'BODY_TOO_LARGE'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'AGENT_NOT_FOUND'
  | 'SESSION_NOT_FOUND'
  | 'RUN_NOT_FOUND';

import { RxAgentsError, type RxAgentsErrorCode, registerErrorClass } from '@rxagents/core';

// The framework-wide code of each reason: what a caller that only knows RxAgentsError sees.
const CODE: Record<HttpErrorCode, RxAgentsErrorCode> = {
  INVALID_JSON: 'INVALID_REQUEST',
  INVALID_REQUEST: 'INVALID_REQUEST',
  BODY_TOO_LARGE: 'INVALID_REQUEST',
  NOT_FOUND: 'INVALID_REQUEST',
  METHOD_NOT_ALLOWED: 'INVALID_REQUEST',
  AGENT_NOT_FOUND: 'AGENT_NOT_FOUND',
  SESSION_NOT_FOUND: 'SESSION_NOT_FOUND',
  RUN_NOT_FOUND: 'INVALID_REQUEST',
};

/**
 * A request the handler refuses before touching any session: bad JSON, a missing field, a body
 * over the limit, an unknown route, agent, session or run. Serialised as
 * `{ error: { code: reason, message, field? } }` with `status`. An `RxAgentsError` whose `code`
 * is the framework's (`INVALID_REQUEST`, `AGENT_NOT_FOUND`, `SESSION_NOT_FOUND`) and whose
 * `reason` is the HTTP-specific one.
 *
 * Errors of the framework itself (`RxAgentsError`: a session that exists, a session conflict, an
 * invalid state delta) keep their own classes and codes; this class only covers what is HTTP's.
 *
 * @example
 * ```ts
 * import { HttpError } from '@rxagents/server';
 * const error = new HttpError(400, 'INVALID_REQUEST', 'message: must be a string', 'message');
 * error.status; // 400, error.code === 'INVALID_REQUEST'
 * ```
 */
export class HttpError extends RxAgentsError {
  readonly status: number;
  /** Why the request was refused, as the response's `error.code` says it. */
  readonly reason: HttpErrorCode;

  /** @param field the request field at fault (a body property, a query parameter, a header) */
  constructor(status: number, reason: HttpErrorCode, message: string, field?: string) {
    super(CODE[reason], message, { field });
    this.status = status;
    this.reason = reason;
  }
}

registerErrorClass('INVALID_REQUEST', HttpError);
