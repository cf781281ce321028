import {
  BackendUnavailableError,
  type CreateSessionRequest,
  type Event,
  type IdGenerator,
  type JsonValue,
  RxAgentsError,
  randomIds,
  Session,
  SessionConflictError,
  SessionExistsError,
  type SessionKey,
  SessionNotFoundError,
  type SessionService,
  SessionStoreError,
  type SessionSummary,
  STATE_PREFIX,
  type State,
  StateStore,
} from '@rxagents/core';
import pg from 'pg';
import { defer, from, type Observable, of } from 'rxjs';
import { restoreEvent, splitDelta, storedEventJson } from './internal/events.js';
import { isConnectionLost } from './internal/isConnectionLost.js';
import { migrationSql, quoteIdentifier } from './schema.js';

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

const BACKEND = 'postgres';
// Rows of one session, with its key as the first three parameters.
const WHERE = 'app_name = $1 AND user_id = $2 AND session_id = $3';

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
  private readonly pool: pg.Pool;
  private readonly ownsPool: boolean;
  private readonly ids: IdGenerator;
  private readonly s: string;
  private migrated: Promise<void> | undefined;
  // The last append started for each session key: appends of one session run one after another,
  // in the order they were subscribed, and a read waits for them (read-your-writes), as with the
  // in-memory store, whose appends are synchronous.
  private readonly pending = new Map<string, Promise<unknown>>();

  constructor(options: PostgresSessionServiceOptions = {}) {
    this.schema = options.schema ?? 'rxagents';
    this.s = quoteIdentifier(this.schema);
    this.ids = options.idGenerator ?? randomIds();
    if (options.pool !== undefined) {
      this.pool = options.pool;
      this.ownsPool = false;
    } else {
      this.pool = new pg.Pool({
        ...(options.connectionString === undefined ? {} : { connectionString: options.connectionString }),
        connectionTimeoutMillis: options.connectTimeoutMillis ?? 5_000,
      });
      // An idle client whose server went away emits 'error' on the pool; unhandled, that would
      // crash the process. The next query reports the problem instead.
      this.pool.on('error', () => {});
      this.ownsPool = true;
    }
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
    return defer(() => from(this.startMigration()));
  }

  /**
   * Ends the pool when this service created it; a pool passed in as `pool` stays open.
   *
   * @example
   * ```ts
   * afterAll(() => sessions.close());
   * ```
   */
  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
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
        this.query(sessionId, undefined, async (client) => {
          const { rows } = await client.query<{ initial_state: Record<string, JsonValue> }>(
            `WITH shared AS (
               SELECT COALESCE((SELECT state FROM ${this.s}.app_state WHERE app_name = $1), '{}'::jsonb)
                   || COALESCE((SELECT state FROM ${this.s}.user_state WHERE app_name = $1 AND user_id = $2), '{}'::jsonb)
                   || $4::jsonb AS initial
             ), s AS (
               INSERT INTO ${this.s}.sessions (app_name, user_id, session_id, initial_state, state)
               SELECT $1, $2, $3, initial, $5::jsonb FROM shared
               ON CONFLICT DO NOTHING
               RETURNING initial_state
             ), a AS (${this.upsertApp('$6')}), u AS (${this.upsertUser('$7')})
             SELECT initial_state FROM s`,
            [
              appName,
              userId,
              sessionId,
              JSON.stringify(split.durable),
              JSON.stringify(split.own),
              JSON.stringify(split.app),
              JSON.stringify(split.user),
            ],
          );
          const row = rows[0];
          if (row === undefined) throw new SessionExistsError(appName, userId, sessionId);
          return new Session({ id: sessionId, appName, userId, state: row.initial_state });
        }),
      );
    });
  }

  getSession(request: SessionKey): Observable<Session | undefined> {
    return defer(() =>
      from(
        this.afterAppends(request, () =>
          this.query(request.sessionId, undefined, async (client) => {
            const key = [request.appName, request.userId, request.sessionId];
            const head = await client.query<{
              initial_state: Record<string, JsonValue>;
              state: Record<string, JsonValue>;
              event_count: number;
              app: Record<string, JsonValue> | null;
              usr: Record<string, JsonValue> | null;
            }>(
              `SELECT s.initial_state, s.state, s.event_count, a.state AS app, u.state AS usr
             FROM ${this.s}.sessions s
             LEFT JOIN ${this.s}.app_state a ON a.app_name = s.app_name
             LEFT JOIN ${this.s}.user_state u ON u.app_name = s.app_name AND u.user_id = s.user_id
             WHERE s.app_name = $1 AND s.user_id = $2 AND s.session_id = $3`,
              key,
            );
            const row = head.rows[0];
            if (row === undefined) return undefined;
            const count = row.event_count;
            // The log is append-only, so its first `count` rows are exactly the events the snapshot
            // above reflects, whatever was appended since: two statements, one consistent view.
            const events: Event[] = [];
            if (count > 0) {
              const log = await client.query<{ seq: number; event: unknown }>(
                `SELECT seq, event FROM ${this.s}.events WHERE ${WHERE} AND seq < $4 ORDER BY seq`,
                [...key, count],
              );
              if (log.rows.length !== count) {
                // Deleted in between: it is gone now. Otherwise the log lost rows.
                if (log.rows.length === 0) return undefined;
                throw new SessionStoreError(
                  undefined,
                  request.sessionId,
                  `the log holds ${log.rows.length} of its ${count} events`,
                );
              }
              for (let i = 0; i < count; i++) {
                const stored = log.rows[i]!;
                const event = restoreEvent(stored.event);
                if (typeof event === 'string') {
                  throw new SessionStoreError(
                    undefined,
                    request.sessionId,
                    `stored event #${stored.seq} is malformed: ${event}`,
                  );
                }
                events.push(event);
              }
            }
            let session: Session;
            try {
              session = new Session({ ...sessionIdentity(request), state: row.initial_state, events });
            } catch (error: unknown) {
              throw new SessionStoreError(
                undefined,
                request.sessionId,
                `the stored log cannot be replayed: ${messageOf(error)}`,
                error,
              );
            }
            // Shared values written elsewhere and dropped temp: keys come in as one more version
            // after the last event, so stateAt(i) still answers what event i saw.
            session.state.syncTo({ ...row.app, ...row.usr, ...row.state });
            return session;
          }),
        ),
      ),
    );
  }

  listSessions(request: {
    readonly appName: string;
    readonly userId: string;
  }): Observable<readonly SessionSummary[]> {
    return defer(() =>
      from(
        this.query('*', undefined, async (client) => {
          const { rows } = await client.query<{
            session_id: string;
            last_update_time: number;
            event_count: number;
          }>(
            `SELECT session_id, last_update_time, event_count FROM ${this.s}.sessions
             WHERE app_name = $1 AND user_id = $2 ORDER BY ord`,
            [request.appName, request.userId],
          );
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
        this.query(request.sessionId, undefined, async (client) => {
          // The events go with it (ON DELETE CASCADE), in the same statement.
          await client.query(`DELETE FROM ${this.s}.sessions WHERE ${WHERE}`, [
            request.appName,
            request.userId,
            request.sessionId,
          ]);
        }),
      ),
    );
  }

  appendEvent(session: Session, event: Event): Observable<Event> {
    return defer(() => {
      // The delta is in memory (visible to the next step) before it is durable: the commit rule.
      session.commit(event);
      if (event.partial === true) return of(event);
      const position = session.indexOf(event);
      const pendingKey = keyOf({ appName: session.appName, userId: session.userId, sessionId: session.id });
      const before = this.pending.get(pendingKey);
      const write = () =>
        this.query(session.id, event.author, (client) => this.store(client, session, event, position));
      // Ordered after the previous append of this session, whatever became of it.
      const run = before === undefined ? write() : before.then(write, write);
      this.pending.set(pendingKey, run);
      const settled = () => {
        if (this.pending.get(pendingKey) === run) this.pending.delete(pendingKey);
      };
      run.then(settled, settled);
      return from(run);
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
        this.query(key.sessionId, undefined, async (client) => {
          const { rows } = await client.query<{ event_count: number; state: Record<string, JsonValue> }>(
            `SELECT s.event_count, s.initial_state || COALESCE((
               SELECT jsonb_object_agg(d.key, d.value ORDER BY e.seq)
               FROM ${this.s}.events e CROSS JOIN LATERAL jsonb_each(e.event->'actions'->'stateDelta') d
               WHERE e.app_name = $1 AND e.user_id = $2 AND e.session_id = $3 AND e.seq <= $4
             ), '{}'::jsonb) AS state
             FROM ${this.s}.sessions s WHERE s.app_name = $1 AND s.user_id = $2 AND s.session_id = $3`,
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

  private async store(
    client: pg.PoolClient,
    session: Session,
    event: Event,
    position: number,
  ): Promise<Event> {
    const split = splitDelta(event.actions.stateDelta);
    const key = [session.appName, session.userId, session.id];
    let inserted: number;
    try {
      const { rows } = await client.query<{ n: number }>(
        `WITH s AS (
           UPDATE ${this.s}.sessions
           SET state = state || $5::jsonb, event_count = $4 + 1, last_update_time = $8,
               updated_at = now()
           WHERE ${WHERE} AND event_count = $4
           RETURNING 1
         ), e AS (
           INSERT INTO ${this.s}.events (app_name, user_id, session_id, seq, event_id, event)
           SELECT $1, $2, $3, $4, $6, $7::jsonb FROM s
           RETURNING 1
         ), a AS (${this.upsertApp('$9')}), u AS (${this.upsertUser('$10')})
         SELECT count(*)::int AS n FROM e`,
        [
          ...key,
          position,
          JSON.stringify(split.own),
          event.id,
          storedEventJson(event, split),
          event.timestamp,
          JSON.stringify(split.app),
          JSON.stringify(split.user),
        ],
      );
      inserted = rows[0]?.n ?? 0;
    } catch (error: unknown) {
      if (isUniqueViolation(error, 'events')) {
        throw new SessionConflictError(
          event.author,
          session.id,
          position,
          `Session '${session.id}': event id '${event.id}' is already stored at another position (appending #${position})`,
        );
      }
      throw error;
    }
    if (inserted === 1) return event;
    // The optimistic check failed: find out why.
    const { rows } = await client.query<{
      event_count: number;
      event_id: string | null;
      author: string | null;
      delta: Record<string, JsonValue> | null;
      same_delta: boolean | null;
    }>(
      // jsonb equality ignores key order: the stored delta against the re-produced one.
      `SELECT s.event_count, e.event_id, e.event->>'author' AS author,
         e.event->'actions'->'stateDelta' AS delta,
         e.event->'actions'->'stateDelta' = $5::jsonb AS same_delta FROM ${this.s}.sessions s
       LEFT JOIN ${this.s}.events e ON e.app_name = s.app_name AND e.user_id = s.user_id
         AND e.session_id = s.session_id AND e.seq = $4
       WHERE s.app_name = $1 AND s.user_id = $2 AND s.session_id = $3`,
      [...key, position, JSON.stringify(split.durable)],
    );
    const row = rows[0];
    if (row === undefined) throw new SessionNotFoundError(session.appName, session.userId, session.id);
    // A resumed attempt re-appending what the log already holds: a no-op, unless the re-run
    // diverged (another author or other state changes), which must not go on unnoticed.
    if (row.event_id === event.id) {
      if (row.author === event.author && row.same_delta === true) return event;
      throw new SessionConflictError(
        event.author,
        session.id,
        position,
        `Session '${session.id}': the resumed run diverged at event #${position} ('${event.id}'): the log holds ${row.author ?? '?'}'s ${JSON.stringify(row.delta)}, the re-run produced ${event.author}'s ${JSON.stringify(split.durable)}`,
      );
    }
    throw new SessionConflictError(event.author, session.id, position);
  }

  // Merges a delta of app: keys into the app's shared state, when the session row was written.
  private upsertApp(param: string): string {
    return `INSERT INTO ${this.s}.app_state AS t (app_name, state)
      SELECT $1, ${param}::jsonb FROM s WHERE ${param}::jsonb <> '{}'::jsonb
      ON CONFLICT (app_name) DO UPDATE SET state = t.state || excluded.state, updated_at = now()
      RETURNING 1`;
  }

  private upsertUser(param: string): string {
    return `INSERT INTO ${this.s}.user_state AS t (app_name, user_id, state)
      SELECT $1, $2, ${param}::jsonb FROM s WHERE ${param}::jsonb <> '{}'::jsonb
      ON CONFLICT (app_name, user_id) DO UPDATE SET state = t.state || excluded.state, updated_at = now()
      RETURNING 1`;
  }

  // Runs `read` once the appends of that session started so far have settled.
  private afterAppends<T>(key: SessionKey, read: () => Promise<T>): Promise<T> {
    const before = this.pending.get(keyOf(key));
    return before === undefined ? read() : before.then(read, read);
  }

  private ensureMigrated(): Promise<void> {
    return this.migrated ?? this.startMigration();
  }

  private startMigration(): Promise<void> {
    const run = this.withClient(async (client) => {
      await client.query(migrationSql(this.s, `rxagents:${this.schema}`));
    }).catch((error: unknown) => {
      // A failed migration is retried on next use rather than remembered.
      this.migrated = undefined;
      if (error instanceof RxAgentsError) throw error;
      throw new SessionStoreError(
        undefined,
        '*',
        `migrating schema '${this.schema}' failed: ${messageOf(error)}`,
        error,
      );
    });
    this.migrated = run;
    return run;
  }

  // Runs after the migration; any failure that is not already typed becomes a SessionStoreError.
  private async query<T>(
    sessionId: string,
    agent: string | undefined,
    work: (client: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    try {
      await this.ensureMigrated();
      return await this.withClient(work);
    } catch (error: unknown) {
      if (error instanceof RxAgentsError || error instanceof RangeError) throw error;
      throw new SessionStoreError(agent, sessionId, messageOf(error), error);
    }
  }

  // Runs `work` on a pooled client. While the client is held, an 'error' it emits (its backend was
  // terminated between two statements, the socket reset) is recorded instead of crashing the
  // process — the pool only listens to its idle clients — and a broken client is destroyed
  // rather than pooled. A lost connection is a BackendUnavailableError, whatever pg called it.
  private async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error: unknown) {
      throw new BackendUnavailableError(BACKEND, `cannot connect: ${messageOf(error)}`, error);
    }
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken ??= error;
    };
    client.on('error', onError);
    try {
      return await work(client);
    } catch (error: unknown) {
      if (isConnectionLost(error) || (broken !== undefined && !(error instanceof RxAgentsError))) {
        broken ??= error as Error;
        throw new BackendUnavailableError(BACKEND, `connection lost: ${messageOf(error)}`, error);
      }
      throw error;
    } finally {
      // A broken client keeps its listener: it may still report the socket closing while it ends.
      if (broken === undefined) client.off('error', onError);
      client.release(broken);
    }
  }
}

function keyOf(key: SessionKey): string {
  return JSON.stringify([key.appName, key.userId, key.sessionId]);
}

function sessionIdentity(key: SessionKey): { id: string; appName: string; userId: string } {
  return { id: key.sessionId, appName: key.appName, userId: key.userId };
}

function isUniqueViolation(error: unknown, table: string): boolean {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === '23505' &&
    (error as { table?: unknown }).table === table
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
