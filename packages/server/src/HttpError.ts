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

/**
 * A request the handler refuses before touching any session: bad JSON, a missing field, a body
 * over the limit, an unknown route, agent, session or run. Serialised as
 * `{ error: { code, message, field? } }` with `status`.
 *
 * Errors of the framework itself (`RxAgentsError`: a session that exists, a session conflict, an
 * invalid state delta) keep their own classes and codes; this class only covers what is HTTP's.
 *
 * @example
 * ```ts
 * import { HttpError } from '@rxagents/server';
 * const error = new HttpError(400, 'INVALID_REQUEST', 'message: must be a string', 'message');
 * error.status; // 400
 * ```
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: HttpErrorCode;
  /** The request field at fault (a body property, a query parameter, a header). */
  readonly field: string | undefined;

  constructor(status: number, code: HttpErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}
