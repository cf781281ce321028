import {
  type Event,
  type JsonValue,
  type Session,
  SessionConflictError,
  SessionNotFoundError,
} from '@rxagents/core';
import type pg from 'pg';
import { splitDelta, storedEventJson } from './events.js';
import type { Statements } from './statements.js';

/** One event to store at its position in the in-memory session. */
export interface Append {
  readonly session: Session;
  readonly event: Event;
  readonly position: number;
}

// A run of appends as the append statement takes it: the deltas merged in order (a later key
// wins, as `state || delta` one event after another would), the events as one JSON array.
interface Encoded {
  readonly own: Record<string, JsonValue>;
  readonly app: Record<string, JsonValue>;
  readonly user: Record<string, JsonValue>;
  readonly events: string;
}

function encode(run: readonly Append[]): Encoded {
  const own: Record<string, JsonValue> = {};
  const app: Record<string, JsonValue> = {};
  const user: Record<string, JsonValue> = {};
  const events: string[] = [];
  for (const { event } of run) {
    events.push(storedEventJson(event, splitDelta(event.actions.stateDelta, own, app, user)));
  }
  return { own, app, user, events: `[${events.join(',')}]` };
}

// The events' stored deltas, as the check of a failed append compares them with the log's.
const durableDeltas = (run: readonly Append[]) =>
  JSON.stringify(run.map((a) => splitDelta(a.event.actions.stateDelta).durable));

/**
 * Stores appends at consecutive positions of one session in one statement: every event row, the
 * merged deltas into `sessions.state` / `app_state` / `user_state`, and only while the log is
 * exactly as long as the first position (the optimistic check). All of them are stored, or none
 * and the whole run fails with one typed error: a `SessionConflictError` when another writer got
 * there first (or an event id is already stored elsewhere), `SessionNotFoundError` when the
 * session is gone. Events the log already holds at their positions with the same id, author and
 * delta are no-ops — a resumed invocation re-appending what was stored before it was cut off —
 * and the rest of the run is appended after them.
 */
export async function storeAppends(
  client: pg.PoolClient,
  sql: Statements,
  appends: readonly Append[],
): Promise<void> {
  let run = appends;
  while (run.length > 0) {
    const encoded = encode(run);
    if ((await insert(client, sql, run, encoded)) === run.length) return;
    // The optimistic check failed: find out why. Throws unless a prefix was already stored.
    run = run.slice(await alreadyStored(client, sql, run));
  }
}

async function insert(
  client: pg.PoolClient,
  sql: Statements,
  run: readonly Append[],
  encoded: Encoded,
): Promise<number> {
  const first = run[0]!;
  const { session } = first;
  try {
    const { rows } = await client.query<{ n: number }>(sql.append, [
      session.appName,
      session.userId,
      session.id,
      first.position,
      JSON.stringify(encoded.own),
      run.length,
      run[run.length - 1]!.event.timestamp,
      encoded.events,
      JSON.stringify(encoded.app),
      JSON.stringify(encoded.user),
    ]);
    return rows[0]?.n ?? 0;
  } catch (error: unknown) {
    if (!isUniqueViolation(error, 'events')) throw error;
    const at = await storedElsewhere(client, sql, run);
    throw new SessionConflictError(
      at.event.author,
      session.id,
      at.position,
      `Session '${session.id}': event id '${at.event.id}' is already stored at another position (appending #${at.position})`,
    );
  }
}

// The append whose event id broke the log's uniqueness: one stored before, else one repeated
// within the run itself.
async function storedElsewhere(
  client: pg.PoolClient,
  sql: Statements,
  run: readonly Append[],
): Promise<Append> {
  const { session } = run[0]!;
  const { rows } = await client.query<{ event_id: string }>(sql.storedIds, [
    session.appName,
    session.userId,
    session.id,
    run.map((a) => a.event.id),
  ]);
  const stored = new Set(rows.map((r) => r.event_id));
  const seen = new Set<string>();
  for (const append of run) {
    if (stored.has(append.event.id) || seen.has(append.event.id)) return append;
    seen.add(append.event.id);
  }
  return run[0]!;
}

// How many appends at the start of the run the log already holds as they are (no-ops); throws the
// run's typed error when the first one that is not a no-op cannot be appended either.
async function alreadyStored(
  client: pg.PoolClient,
  sql: Statements,
  run: readonly Append[],
): Promise<number> {
  const { session, position } = run[0]!;
  const { rows } = await client.query<{
    event_count: number;
    event_id: string | null;
    author: string | null;
    delta: Record<string, JsonValue> | null;
    same_delta: boolean | null;
  }>(sql.appendDiagnosis, [session.appName, session.userId, session.id, position, durableDeltas(run)]);
  if (rows.length === 0) throw new SessionNotFoundError(session.appName, session.userId, session.id);
  let k = 0;
  for (; k < run.length; k++) {
    const row = rows[k]!;
    const { event } = run[k]!;
    if (row.event_id !== event.id) break;
    // A resumed attempt re-appending what the log already holds: a no-op, unless the re-run
    // diverged (another author or other state changes), which must not go on unnoticed.
    if (row.author !== event.author || row.same_delta !== true) {
      throw new SessionConflictError(
        event.author,
        session.id,
        position + k,
        `Session '${session.id}': the resumed run diverged at event #${position + k} ('${event.id}'): the log holds ${row.author ?? '?'}'s ${JSON.stringify(row.delta)}, the re-run produced ${event.author}'s ${JSON.stringify(splitDelta(event.actions.stateDelta).durable)}`,
      );
    }
  }
  // The rest may follow the no-ops only if the log ends right there.
  if (k === run.length || (k > 0 && rows[k]!.event_id === null && rows[k]!.event_count === position + k)) {
    return k;
  }
  throw new SessionConflictError(run[k]!.event.author, session.id, position + k);
}

function isUniqueViolation(error: unknown, table: string): boolean {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === '23505' &&
    (error as { table?: unknown }).table === table
  );
}
