import type { Runner, Session, SessionKey } from '@rxagents/core';
import { firstValueFrom } from 'rxjs';
import { HttpError } from '../HttpError.js';

/** The stored session, or a 404 naming it. */
export async function loadSession(runner: Runner, key: SessionKey): Promise<Session> {
  const session = await firstValueFrom(runner.sessionService.getSession(key), { defaultValue: undefined });
  if (session === undefined)
    throw new HttpError(404, 'SESSION_NOT_FOUND', `no session '${key.sessionId}'`, 'sessionId');
  return session;
}
