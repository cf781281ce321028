import { defer, type Observable, of } from 'rxjs';
import type { Event } from './Event.js';
import { SessionConflictError, SessionExistsError } from './errors.js';
import { type IdGenerator, randomIds } from './ids.js';
import { sameJson } from './internal/sameJson.js';
import { assertPlainDelta } from './internal/validateState.js';
import type { JsonValue } from './json.js';
import { Session, type SessionKey } from './Session.js';
import type { CreateSessionRequest, SessionService, SessionSummary } from './SessionService.js';
import { STATE_PREFIX } from './StateStore.js';

const SEP = '\u0000';

/**
 * The embedded default {@link SessionService}: sessions, app state and user state in memory.
 *
 * `app:` keys are shared by every session of an app and `user:` keys by every session of a user:
 * writes are collected on append and brought into a session when it is fetched. `temp:` keys
 * live only for one invocation: the `Runner` drops them when the invocation ends.
 *
 * @example
 * ```ts
 * import { agent, InMemorySessionService, Runner, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: text('a draft') })));
 * const sessions = new InMemorySessionService();
 * const runner = new Runner({ appName: 'stories', agent: writer, sessionService: sessions });
 * ```
 */
export class InMemorySessionService implements SessionService {
  // The stored sessions by id, and by `app␀user␀id` those whose id a session of another app or
  // user already has (made for the first). Why not all by that key: it is a new string per
  // session, and a second set of the stored sessions was needed so that an append (to the stored
  // session, or to a resumed invocation's copy) builds no key: 56 B + 27 B of every idle session
  // (W5). By id, the key is the session's own id string and "is this the stored one" one lookup.
  private readonly byId = new Map<string, Session>();
  private byKey: Map<string, Session> | undefined;
  // The session appended to last, while it is stored: a run appends every event to one session,
  // and asking the map on each append was 0.8% of W2's samples (0.1% after; wall time within
  // the spread, 2026-12-04).
  private lastStored: Session | undefined;
  private readonly appState = new Map<string, Record<string, JsonValue>>();
  private readonly userState = new Map<string, Record<string, JsonValue>>();
  private readonly ids: IdGenerator;

  /** @param options.idGenerator source of session ids when none is given */
  constructor(options: { idGenerator?: IdGenerator } = {}) {
    this.ids = options.idGenerator ?? randomIds();
  }

  createSession(request: CreateSessionRequest): Observable<Session> {
    return defer(() => of(this.create(request)));
  }

  getSession(request: SessionKey): Observable<Session | undefined> {
    return defer(() => of(this.get(request)));
  }

  getOrCreateSessionSync(key: SessionKey): Session {
    return this.get(key) ?? this.create(key);
  }

  private create(request: CreateSessionRequest): Session {
    const { appName, userId } = request;
    const sessionId = request.sessionId ?? this.ids();
    const key = { appName, userId, sessionId };
    if (this.find(key) !== undefined) throw new SessionExistsError(appName, userId, sessionId);
    const own: Record<string, unknown> = {};
    if (request.state !== undefined) {
      assertPlainDelta(undefined, request.state);
      for (const [k, v] of Object.entries(request.state)) {
        if (!k.startsWith(STATE_PREFIX.temp)) own[k] = v;
      }
    }
    const session = new Session({ id: sessionId, appName, userId, state: own });
    this.routeScoped(session, session.state.snapshot());
    if (this.byId.has(sessionId)) (this.byKey ??= new Map()).set(keyOf(key), session);
    else this.byId.set(sessionId, session);
    this.syncScoped(session);
    return session;
  }

  // The stored session of a key.
  private find(key: SessionKey): Session | undefined {
    const session = this.byId.get(key.sessionId);
    if (session !== undefined && session.appName === key.appName && session.userId === key.userId)
      return session;
    return this.byKey?.get(keyOf(key));
  }

  // Whether this session object is the stored one (not a resumed invocation's copy of it, nor
  // one deleted since).
  private isStored(session: Session): boolean {
    return (
      this.byId.get(session.id) === session ||
      (this.byKey !== undefined && this.byKey.get(keyOf(keyOfSession(session))) === session)
    );
  }

  private get(request: SessionKey): Session | undefined {
    const session = this.find(request);
    // A read: temp: keys stay (the Runner drops them when the invocation ends), so a UI polling
    // the session mid-run does not wipe them from under the running agents.
    if (session !== undefined) this.syncScoped(session);
    return session;
  }

  listSessions(request: {
    readonly appName: string;
    readonly userId: string;
  }): Observable<readonly SessionSummary[]> {
    return defer(() => {
      const out: SessionSummary[] = [];
      for (const stored of [this.byId, this.byKey]) {
        if (stored === undefined) continue;
        for (const session of stored.values()) {
          if (session.appName === request.appName && session.userId === request.userId) {
            out.push({
              appName: session.appName,
              userId: session.userId,
              sessionId: session.id,
              lastUpdateTime: session.lastUpdateTime,
              eventCount: session.events.length,
            });
          }
        }
      }
      return of(out);
    });
  }

  deleteSession(request: SessionKey): Observable<void> {
    return defer(() => {
      const session = this.find(request);
      if (session === undefined) return of(undefined);
      if (session === this.lastStored) this.lastStored = undefined;
      if (this.byId.get(session.id) === session) this.byId.delete(session.id);
      else this.byKey?.delete(keyOf(request));
      return of(undefined);
    });
  }

  appendEvent(session: Session, event: Event): Observable<Event> {
    return defer(() => of(this.appendEventSync(session, event)));
  }

  appendEventSync(session: Session, event: Event): Event {
    session.commit(event);
    if (event.partial === true) return event;
    const stored =
      session === this.lastStored || this.isStored(session) ? session : this.find(keyOfSession(session));
    if (stored === session) this.lastStored = session;
    // A copy of the stored session (a resumed invocation runs on a prefix): the event is appended
    // at its position in the copy, or is a no-op if the stored log already holds it there.
    if (stored !== undefined && stored !== session) {
      const position = session.indexOf(event);
      const there = stored.events[position];
      if (there !== undefined) {
        if (there.id !== event.id) throw new SessionConflictError(event.author, session.id, position);
        // The same event again is a no-op; a re-run that diverged must not go on unnoticed.
        if (there.author === event.author && sameJson(there.actions.stateDelta, event.actions.stateDelta))
          return event;
        throw new SessionConflictError(
          event.author,
          session.id,
          position,
          `Session '${session.id}': the resumed run diverged at event #${position} ('${event.id}'): the log holds ${there.author}'s ${JSON.stringify(there.actions.stateDelta)}, the re-run produced ${event.author}'s ${JSON.stringify(event.actions.stateDelta)}`,
        );
      }
      if (position !== stored.events.length)
        throw new SessionConflictError(event.author, session.id, position);
      stored.commit(event);
    }
    this.routeScoped(session, event.actions.stateDelta);
    return event;
  }

  // `delta` was committed (so checked to be a plain object of own keys) or is a snapshot.
  private routeScoped(session: Session, delta: Readonly<Record<string, JsonValue>>): void {
    for (const k in delta) {
      // A colon where a prefix ends (`app:` / `user:`), before the string compares: every append
      // runs this for every key, and almost no key is scoped.
      if (k.charCodeAt(3) !== 58 && k.charCodeAt(4) !== 58) continue;
      if (k.startsWith(STATE_PREFIX.app)) {
        scopedOf(this.appState, session.appName)[k] = delta[k]!;
      } else if (k.startsWith(STATE_PREFIX.user)) {
        scopedOf(this.userState, `${session.appName}${SEP}${session.userId}`)[k] = delta[k]!;
      }
    }
  }

  // Brings app: and user: values written by other sessions into this one.
  private syncScoped(session: Session): void {
    // Nothing to do (and nothing allocated) until some session wrote an app: or user: key.
    if (this.appState.size === 0 && this.userState.size === 0) return;
    const changed: Record<string, JsonValue> = {};
    let any = false;
    for (const shared of [
      this.appState.get(session.appName),
      this.userState.get(`${session.appName}${SEP}${session.userId}`),
    ]) {
      if (shared === undefined) continue;
      for (const k in shared) {
        if (session.state.get(k) !== shared[k]) {
          changed[k] = shared[k]!;
          any = true;
        }
      }
    }
    if (any) session.state.apply(changed);
  }
}

function keyOf(key: SessionKey): string {
  return `${key.appName}${SEP}${key.userId}${SEP}${key.sessionId}`;
}

function keyOfSession(session: Session): SessionKey {
  return { appName: session.appName, userId: session.userId, sessionId: session.id };
}

function scopedOf(map: Map<string, Record<string, JsonValue>>, key: string): Record<string, JsonValue> {
  let scoped = map.get(key);
  if (scoped === undefined) {
    scoped = {};
    map.set(key, scoped);
  }
  return scoped;
}
