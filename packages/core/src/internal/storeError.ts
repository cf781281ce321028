import type { Event } from '../Event.js';
import { RxAgentsError, SessionStoreError } from '../errors.js';
import type { Session } from '../Session.js';

/** A failed append fails the run with a typed error; the services' own typed errors pass as they are. */
export function storeError(session: Session, event: Event, error: unknown): RxAgentsError {
  return error instanceof RxAgentsError
    ? error
    : new SessionStoreError(
        event.author,
        session.id,
        `appending event '${event.id}' failed: ${error instanceof Error ? error.message : String(error)}`,
        error,
      );
}
