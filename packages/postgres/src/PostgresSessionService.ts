import {
  type CreateSessionRequest,
  type Event,
  type IdGenerator,
  type JsonValue,
  randomIds,
  Session,
  SessionExistsError,
  type SessionKey,
  SessionNotFoundError,
  type SessionService,
  type SessionSummary,
  STATE_PREFIX,
  type State,
  StateStore,
} from '@rxagents/core';
import type pg from 'pg';
import { defer, from, type Observable, of } from 'rxjs';
import { AppendQueue } from './internal/AppendQueue.js';
import { Database } from './internal/Database.js';
import { splitDelta } from './internal/events.js';
import { loadSession } from './internal/loadSession.js';
import { type Statements, statements } from './internal/statements.js';

/** Options of {@link PostgresSessionService}. */
export interface PostgresSessionServiceOptions {
  /** `postgres://…` URL; ignored when `pool` is given. Default: the `PG*` environment variables. */
  readonly connectionString?: string;
  /**
   * A pool to use instead of creating one; {@link PostgresSessionService.close} leaves it open.
   * Give it an `'error'` listener: an idle client whose server went away reports it there, and
   * unhandled that ends the process (the service listens on the pools it creates, and on every
   * client while it holds it).
   */
  readonly pool?: pg.Pool;
  /** Schema holding the tables (created by the migration). Default `'rxagents'`. */
  readonly schema?: string;
  /**
   * How long to wait for a connection before failing with a `BackendUnavailableError`
   * (only for a pool this service creates). Default 5000.
   */
  readonly connectTimeoutMillis?: number;
  /** Source of session ids when none is given. Default: random. */
  readonly idGenerator?: IdGenerator;
}

/**
 * A durable {@link SessionService} on PostgreSQL, behaving like `InMemorySessionService`.
 *
 * - **Log**: every non-partial event is a row of an append-only `events` table, numbered from 0
 *   per session; `sessions` holds the session's own state (keys without a prefix) as of its last
 *   event and the state before its first; `app:` and `user:` keys live in `app_state` and
 *   `user_state`, shared by every session of the app or user. `temp:` keys are never written —
 *   not to the state tables, and not inside the stored events' `stateDelta` either.
 * - **Append rule**: `appendEvent(session, event)` commits the event to `session` in memory, then
 *   stores it at its position there in one statement, which also updates the state tables and
 *   succeeds only while the log is exactly that long (an optimistic check on the sequence
 *   number). Another event already stored at that position is a `SessionConflictError`; the same
 *   event id there is a no-op, which is what lets a resumed invocation (`Runner.run({ resume:
 *   true })`) re-run safely. Every statement is atomic by itself, so unsubscribing never leaves a
 *   transaction open.
 * - **Batching**: one statement per session is in flight at a time; the appends that queue up
 *   meanwhile (the `Runner` hands them over as their events arrive: `appendsInOrder`) are stored
 *   together in the next one, all or none, with the same check on the first position. A failed
 *   batch fails each of its appends with the same typed error.
 * - **Reads**: `getSession` restores the events (replaying their deltas, so `session.stateAt(i)`
 *   works) and brings the state to the stored snapshot plus the shared `app:`/`user:` state;
 *   {@link PostgresSessionService.stateAt} computes a past state in the database from the log.
 * - **Errors**: a server that cannot be reached, or a connection lost during a call (backend
 *   terminated, server restarted, socket reset), is a `BackendUnavailableError`; other database
 *   failures are `SessionStoreError`s. After a lost connection the event may or may not be
 *   stored (never half of it): `runner.run({ invocationId, resume: true })` finishes the run
 *   with each event stored once.
 *
 * The schema is created by {@link PostgresSessionService.migrate}, which also runs on first use.
 *
 * @example
 * ```ts
 * import { agent, Runner, text } from '@rxagents/core';
 * import { PostgresSessionService } from '@rxagents/postgres';
 * import { firstValueFrom, lastValueFrom, of } from 'rxjs';
 *
 * const flow = agent('flow', (ctx) => of(ctx.newEvent({ content: text('A fox.'), actions: { stateDelta: { told: true } } })));
 * const sessions = new PostgresSessionService({ connectionString: 'postgres://127.0.0.1/app' });
 * const runner = new Runner({ appName: 'stories', agent: flow, sessionService: sessions });
 * await lastValueFrom(runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'a fox' }));
 * const before = await firstValueFrom(sessions.stateAt({ appName: 'stories', userId: 'u1', sessionId: 's1' }, 0));
 * await sessions.close();
 * ```
 */
export class PostgresSessionService implements SessionService {
  /** The schema, as given (unquoted). */
  readonly schema: string;
  /** Appends may be subscribed ahead: they are stored in order, those queued up in one statement. */
  readonly appendsInOrder: boolean = true;
  private readonly db: Database;
  private readonly sql: Statements;
  private readonly appends: AppendQueue;
  private readonly ids: IdGenerator;

  constructor(options: PostgresSessionServiceOptions = {}) {
    this.schema = options.schema ?? 'rxagents';
    this.ids = options.idGenerator ?? randomIds();
    this.db =
      options.pool === undefined
        ? new Database(
            Database.ownPool(options.connectionString, options.connectTimeoutMillis ?? 5_000),
            true,
            this.schema,
          )
        : new Database(options.pool, false, this.schema);
    this.sql = statements(this.db.s);
    this.appends = new AppendQueue(this.db, this.sql);
  }

  /**
   * Creates the schema and tables, or brings them up to date. Idempotent and safe to run from
   * several processes at once; every other method runs it first when it has not run yet.
   *
   * @example
   * ```ts
   * await lastValueFrom(sessions.migrate());
   * ```
   */
  migrate(): Observable<void> {
    return defer(() => from(this.db.startMigration()));
  }

  /**
   * Ends the pool when this service created it; a pool passed in as `pool` stays open.
   *
   * @example
   * ```ts
   * afterAll(() => sessions.close());
   * ```
   */
  close(): Promise<void> {
    return this.db.close();
  }

  createSession(request: CreateSessionRequest): Observable<Session> {
    return defer(() => {
      const { appName, userId } = request;
      const sessionId = request.sessionId ?? this.ids();
      const own: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(request.state ?? {})) {
        if (!k.startsWith(STATE_PREFIX.temp)) own[k] = v;
      }
      // Validates keys and values (InvalidStateError) before anything is written.
      const split = splitDelta(new StateStore(own).snapshot());
      return from(
        this.db.query(sessionId, undefined, async (client) => {
          const { rows } = await client.query<{ initial_state: Record<string, JsonValue> }>(this.sql.create, [
            appName,
            userId,
            sessionId,
            JSON.stringify(split.durable),
            JSON.stringify(split.own),
            JSON.stringify(split.app),
            JSON.stringify(split.user),
          ]);
          const row = rows[0];
          if (row === undefined) throw new SessionExistsError(appName, userId, sessionId);
          return new Session({ id: sessionId, appName, userId, state: row.initial_state });
        }),
      );
    });
  }

  getSession(request: SessionKey): Observable<Session | undefined> {
    return defer(() => {
      // Read-your-writes: after the appends of that session queued so far, as in memory.
      const read = () =>
        this.db.query(request.sessionId, undefined, (client) => loadSession(client, this.sql, request));
      const drained = this.appends.drained(request);
      return from(drained === undefined ? read() : drained.then(read));
    });
  }

  listSessions(request: {
    readonly appName: string;
    readonly userId: string;
  }): Observable<readonly SessionSummary[]> {
    return defer(() =>
      from(
        this.db.query('*', undefined, async (client) => {
          const { rows } = await client.query<{
            session_id: string;
            last_update_time: number;
            event_count: number;
          }>(this.sql.list, [request.appName, request.userId]);
          return rows.map(
            (row): SessionSummary => ({
              appName: request.appName,
              userId: request.userId,
              sessionId: row.session_id,
              lastUpdateTime: row.last_update_time,
              eventCount: row.event_count,
            }),
          );
        }),
      ),
    );
  }

  deleteSession(request: SessionKey): Observable<void> {
    return defer(() =>
      from(
        this.db.query(request.sessionId, undefined, async (client) => {
          await client.query(this.sql.delete, [request.appName, request.userId, request.sessionId]);
        }),
      ),
    );
  }

  appendEvent(session: Session, event: Event): Observable<Event> {
    return defer(() => {
      // The delta is in memory (visible to the next step) before it is durable: the commit rule.
      session.commit(event);
      if (event.partial === true) return of(event);
      return this.appends.append(session, event);
    });
  }

  /**
   * The state of a stored session right after its event at `eventIndex` (`-1`: before the first
   * event), computed in the database from the log: the state before the first event with every
   * `stateDelta` up to that event laid over it. `app:`/`user:` values written by other sessions
   * in between are not part of this session's log, so they are not in it.
   *
   * Errors: `SessionNotFoundError`; a `RangeError` when there is no such event.
   *
   * @example
   * ```ts
   * const afterFirst = await firstValueFrom(sessions.stateAt({ appName: 'app', userId: 'u1', sessionId: 's1' }, 0));
   * ```
   */
  stateAt(key: SessionKey, eventIndex: number): Observable<State> {
    return defer(() => {
      if (!Number.isInteger(eventIndex) || eventIndex < -1) {
        throw new RangeError(`Session '${key.sessionId}': no event at index ${eventIndex}`);
      }
      return from(
        this.db.query(key.sessionId, undefined, async (client) => {
          const { rows } = await client.query<{ event_count: number; state: Record<string, JsonValue> }>(
            this.sql.stateAt,
            [key.appName, key.userId, key.sessionId, eventIndex],
          );
          const row = rows[0];
          if (row === undefined) throw new SessionNotFoundError(key.appName, key.userId, key.sessionId);
          if (eventIndex >= row.event_count) {
            throw new RangeError(
              `Session '${key.sessionId}': no event at index ${eventIndex} (0..${row.event_count - 1})`,
            );
          }
          return new StateStore(row.state).snapshot();
        }),
      );
    });
  }
}
