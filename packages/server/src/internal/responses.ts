import { RxAgentsError, type RxAgentsErrorCode } from '@rxagents/core';
import { HttpError } from '../HttpError.js';

/** The JSON body of every error response. */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly field?: string;
    readonly agent?: string;
  };
}

// HTTP status of the framework's own errors; any other code is a server-side failure (500).
const STATUS: Partial<Record<RxAgentsErrorCode, number>> = {
  SESSION_NOT_FOUND: 404,
  AGENT_NOT_FOUND: 404,
  SESSION_EXISTS: 409,
  SESSION_CONFLICT: 409,
  INVALID_STATE: 400,
  INVALID_REQUEST: 400,
  INVALID_AGENT_CONFIG: 400,
  // A resume's refusals (human in the loop): checked before anything is committed.
  NOTHING_PENDING: 409,
  UNKNOWN_REQUEST: 404,
  REQUEST_ALREADY_ANSWERED: 409,
  INVALID_ANSWER: 400,
  REPLAY_DIVERGED: 409,
};

/** A JSON response. */
export function json(status: number, body: unknown, headers?: HeadersInit): Response {
  const out = new Headers(headers);
  out.set('content-type', 'application/json; charset=utf-8');
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: out });
}

/** The status and body of any thrown value; never a stack, and no message of an unknown error. */
export function errorBody(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof HttpError) {
    const field = error.field === undefined ? {} : { field: error.field };
    return {
      status: error.status,
      body: { error: { code: error.reason, message: error.message, ...field } },
    };
  }
  if (error instanceof RxAgentsError) {
    return {
      status: STATUS[error.code] ?? 500,
      body: {
        error: {
          code: error.code,
          message: error.message,
          ...(error.field === undefined ? {} : { field: error.field }),
          ...(error.agent === undefined ? {} : { agent: error.agent }),
        },
      },
    };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal server error' } } };
}

/** The error response of any thrown value. */
export function errorResponse(error: unknown, headers?: HeadersInit): Response {
  const { status, body } = errorBody(error);
  return json(status, body, headers);
}
