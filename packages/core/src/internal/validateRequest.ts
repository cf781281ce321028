import { InvalidRequestError } from '../errors.js';
import type { RunRequest } from '../Runner.js';
import { contentFault } from './validateEvent.js';
import { assertPlainDelta, describe } from './validateState.js';

/**
 * Checks a `Runner.run` request before anything is loaded or committed; throws an
 * {@link InvalidRequestError} naming the runner's root agent and the field. The values of
 * `stateDelta` are checked when the user's event is committed (an `InvalidStateError`).
 */
export function validateRequest(agent: string, request: RunRequest): void {
  if (typeof request !== 'object' || request === null)
    throw new InvalidRequestError(agent, 'request', `must be an object, got ${describe(request)}`);
  for (const field of ['userId', 'sessionId'] as const) {
    if (typeof request[field] !== 'string' || request[field].length === 0)
      throw new InvalidRequestError(
        agent,
        field,
        `must be a non-empty string, got ${describe(request[field])}`,
      );
  }
  const message: unknown = request.newMessage;
  if (message !== undefined && typeof message !== 'string') {
    // The runner stamps the role itself: only the parts are the caller's.
    const fault = contentFault(isRecord(message) ? { ...message, role: 'user' } : message, 'newMessage');
    if (fault !== undefined) throw new InvalidRequestError(agent, fault[0], fault[1]);
  }
  if (request.stateDelta !== undefined) {
    try {
      assertPlainDelta(agent, request.stateDelta);
    } catch {
      throw new InvalidRequestError(
        agent,
        'stateDelta',
        `must be a plain object, got ${describe(request.stateDelta)}`,
      );
    }
  }
  if (request.invocationId !== undefined && typeof request.invocationId !== 'string')
    throw new InvalidRequestError(
      agent,
      'invocationId',
      `must be a string, got ${describe(request.invocationId)}`,
    );
  if (request.resume === true && request.invocationId === undefined)
    throw new InvalidRequestError(agent, 'resume', 'resume needs an invocationId');
  const resume: unknown = request.resume;
  if (resume !== undefined && typeof resume !== 'boolean' && !isRecord(resume))
    throw new InvalidRequestError(
      agent,
      'resume',
      `must be true or answers by request id, got ${describe(resume)}`,
    );
  if (isRecord(resume) && request.stateDelta !== undefined)
    throw new InvalidRequestError(agent, 'stateDelta', 'a resume with answers takes no stateDelta');
}

function isRecord(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
