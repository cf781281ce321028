import { type Event, type JsonValue, Session, type SessionKey, SessionStoreError } from '@rxagents/core';
import type pg from 'pg';
import { messageOf } from './Database.js';
import { restoreEvent } from './events.js';
import type { Statements } from './statements.js';

interface Head {
  initial_state: Record<string, JsonValue>;
  state: Record<string, JsonValue>;
  event_count: number;
  app: Record<string, JsonValue> | null;
  usr: Record<string, JsonValue> | null;
}

/**
 * Reads a stored session: its events (each checked to be an event, their deltas replayed onto the
 * initial state, so `session.stateAt(i)` works), then the state brought to the stored snapshot
 * plus the shared `app:`/`user:` state. `undefined` when there is no such session.
 */
export async function loadSession(
  client: pg.PoolClient,
  sql: Statements,
  request: SessionKey,
): Promise<Session | undefined> {
  const key = [request.appName, request.userId, request.sessionId];
  const row = (await client.query<Head>(sql.head, key)).rows[0];
  if (row === undefined) return undefined;
  const count = row.event_count;
  // The log is append-only, so its first `count` rows are exactly the events the snapshot
  // above reflects, whatever was appended since: two statements, one consistent view.
  const events: Event[] = [];
  if (count > 0) {
    const log = await client.query<{ seq: number; event: unknown }>(sql.log, [...key, count]);
    if (log.rows.length !== count) {
      // Deleted in between: it is gone now. Otherwise the log lost rows.
      if (log.rows.length === 0) return undefined;
      throw new SessionStoreError(
        undefined,
        request.sessionId,
        `the log holds ${log.rows.length} of its ${count} events`,
      );
    }
    for (const stored of log.rows) {
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
    session = new Session({
      id: request.sessionId,
      appName: request.appName,
      userId: request.userId,
      state: row.initial_state,
      events,
    });
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
}
