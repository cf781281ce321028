import type { Observable } from 'rxjs';
import type { Event } from './Event.js';
import type { Session, SessionKey } from './Session.js';

/** Summary of a stored session, as listed by {@link SessionService.listSessions}. */
export interface SessionSummary {
  readonly appName: string;
  readonly userId: string;
  readonly sessionId: string;
  readonly lastUpdateTime: number;
  readonly eventCount: number;
}

/**
 * Where sessions live. Every method returns a cold Observable, so durable implementations
 * (databases) and the in-memory default are used the same way.
 */
export interface SessionService {
  /** Creates a session (with a generated id when none is given) and its initial state. */
  createSession(request: {
    readonly appName: string;
    readonly userId: string;
    readonly sessionId?: string;
    readonly state?: Readonly<Record<string, unknown>>;
  }): Observable<Session>;
  /** The session, or `undefined` when there is none. */
  getSession(request: SessionKey): Observable<Session | undefined>;
  listSessions(request: {
    readonly appName: string;
    readonly userId: string;
  }): Observable<readonly SessionSummary[]>;
  deleteSession(request: SessionKey): Observable<void>;
  /**
   * Commits the event to the session (idempotent when the framework already committed it in
   * memory) and makes it durable; emits the event once it is, then completes.
   */
  appendEvent(session: Session, event: Event): Observable<Event>;
  /**
   * Optional synchronous form of `appendEvent` for stores that need no I/O (the in-memory one);
   * the `Runner` uses it when present to skip an Observable per event.
   */
  appendEventSync?(session: Session, event: Event): Event;
  /**
   * Optional synchronous get-or-create for stores that need no I/O (the in-memory one): the
   * session as `getSession` would give it, or a new empty one. The `Runner` uses it when present
   * to skip the Observables of loading a session on every run.
   */
  getOrCreateSessionSync?(key: SessionKey): Session;
}
