import type { Session, SessionService } from '@rxagents/core';
import { defer, type Observable, of, throwError } from 'rxjs';

/**
 * A session service over one session held in memory, so that a `Runner` can resume a recording's
 * session in place (an `InMemorySessionService` only serves sessions it created).
 */
export function oneSessionService(session: Session): SessionService {
  const found = (key: { sessionId: string }) => (key.sessionId === session.id ? session : undefined);
  return {
    createSession: () => throwError(() => new Error('oneSessionService: sessions cannot be created')),
    getSession: (key) => defer(() => of(found(key))),
    getOrCreateSessionSync: (key) => {
      const s = found(key);
      if (s === undefined) throw new Error(`oneSessionService: no session '${key.sessionId}'`);
      return s;
    },
    listSessions: () => of([]),
    deleteSession: () => of(undefined),
    appendEvent: (target, event): Observable<typeof event> =>
      defer(() => {
        target.commit(event);
        return of(event);
      }),
    appendEventSync: (target, event) => {
      target.commit(event);
      return event;
    },
  };
}
