// The SQL of every call, built once per service for its (quoted) schema. Each is one statement,
// so each is atomic by itself and an unsubscribed call never leaves a transaction open.

// Rows of one session, with its key as the first three parameters.
const WHERE = 'app_name = $1 AND user_id = $2 AND session_id = $3';

// Merges a delta of app: keys into the app's shared state, when the row of `s` was written.
function upsertApp(s: string, param: string): string {
  return `INSERT INTO ${s}.app_state AS t (app_name, state)
      SELECT $1, ${param}::jsonb FROM s WHERE ${param}::jsonb <> '{}'::jsonb
      ON CONFLICT (app_name) DO UPDATE SET state = t.state || excluded.state, updated_at = now()
      RETURNING 1`;
}

function upsertUser(s: string, param: string): string {
  return `INSERT INTO ${s}.user_state AS t (app_name, user_id, state)
      SELECT $1, $2, ${param}::jsonb FROM s WHERE ${param}::jsonb <> '{}'::jsonb
      ON CONFLICT (app_name, user_id) DO UPDATE SET state = t.state || excluded.state, updated_at = now()
      RETURNING 1`;
}

/** The statements of a service on schema `s` (a quoted identifier). */
export function statements(s: string) {
  return {
    /**
     * $1-$3 key, $4 durable initial state, $5 own state, $6 app delta, $7 user delta; returns the
     * initial state (shared values included), no row when the session exists.
     */
    create: `WITH shared AS (
        SELECT COALESCE((SELECT state FROM ${s}.app_state WHERE app_name = $1), '{}'::jsonb)
            || COALESCE((SELECT state FROM ${s}.user_state WHERE app_name = $1 AND user_id = $2), '{}'::jsonb)
            || $4::jsonb AS initial
      ), s AS (
        INSERT INTO ${s}.sessions (app_name, user_id, session_id, initial_state, state)
        SELECT $1, $2, $3, initial, $5::jsonb FROM shared
        ON CONFLICT DO NOTHING
        RETURNING initial_state
      ), a AS (${upsertApp(s, '$6')}), u AS (${upsertUser(s, '$7')})
      SELECT initial_state FROM s`,
    /** $1-$3 key: the session row with the shared state of its app and user. */
    head: `SELECT s.initial_state, s.state, s.event_count, a.state AS app, u.state AS usr
      FROM ${s}.sessions s
      LEFT JOIN ${s}.app_state a ON a.app_name = s.app_name
      LEFT JOIN ${s}.user_state u ON u.app_name = s.app_name AND u.user_id = s.user_id
      WHERE s.app_name = $1 AND s.user_id = $2 AND s.session_id = $3`,
    /** $1-$3 key, $4 count: the first `count` events. */
    log: `SELECT seq, event FROM ${s}.events WHERE ${WHERE} AND seq < $4 ORDER BY seq`,
    /** $1 app, $2 user. */
    list: `SELECT session_id, last_update_time, event_count FROM ${s}.sessions
      WHERE app_name = $1 AND user_id = $2 ORDER BY ord`,
    /** $1-$3 key; the events go with it (ON DELETE CASCADE), in the same statement. */
    delete: `DELETE FROM ${s}.sessions WHERE ${WHERE}`,
    /** $1-$3 key, $4 event index: the state after that event, from the log. */
    stateAt: `SELECT s.event_count, s.initial_state || COALESCE((
        SELECT jsonb_object_agg(d.key, d.value ORDER BY e.seq)
        FROM ${s}.events e CROSS JOIN LATERAL jsonb_each(e.event->'actions'->'stateDelta') d
        WHERE e.app_name = $1 AND e.user_id = $2 AND e.session_id = $3 AND e.seq <= $4
      ), '{}'::jsonb) AS state
      FROM ${s}.sessions s WHERE s.app_name = $1 AND s.user_id = $2 AND s.session_id = $3`,
    /**
     * Appends a run of events at consecutive positions: $1-$3 key, $4 the first position, $5 the
     * merged own delta, $6 the number of events, $7 the last timestamp, $8 the stored events as
     * one JSON array, $9/$10 the merged app/user deltas. Writes only while the log is exactly $4
     * long (the optimistic check); returns how many rows it inserted.
     */
    append: `WITH s AS (
        UPDATE ${s}.sessions
        SET state = state || $5::jsonb, event_count = $4 + $6, last_update_time = $7, updated_at = now()
        WHERE ${WHERE} AND event_count = $4
        RETURNING 1
      ), e AS (
        INSERT INTO ${s}.events (app_name, user_id, session_id, seq, event_id, event)
        SELECT $1, $2, $3, $4 + x.i::int - 1, x.event->>'id', x.event
        FROM s, jsonb_array_elements($8::jsonb) WITH ORDINALITY AS x(event, i)
        RETURNING 1
      ), a AS (${upsertApp(s, '$9')}), u AS (${upsertUser(s, '$10')})
      SELECT count(*)::int AS n FROM e`,
    /**
     * Why an append failed: $1-$3 key, $4 the first position, $5 the events' durable deltas as a
     * JSON array. One row per event (none when the session is gone) with what the log holds at
     * its position; jsonb equality ignores key order, so a re-produced delta compares equal.
     */
    appendDiagnosis: `SELECT s.event_count, e.event_id, e.event->>'author' AS author,
        e.event->'actions'->'stateDelta' AS delta,
        e.event->'actions'->'stateDelta' = x.delta AS same_delta
      FROM ${s}.sessions s
      CROSS JOIN jsonb_array_elements($5::jsonb) WITH ORDINALITY AS x(delta, i)
      LEFT JOIN ${s}.events e ON e.app_name = s.app_name AND e.user_id = s.user_id
        AND e.session_id = s.session_id AND e.seq = $4 + x.i::int - 1
      WHERE s.app_name = $1 AND s.user_id = $2 AND s.session_id = $3
      ORDER BY x.i`,
    /** $1-$3 key, $4 event ids: those of them already in the log. */
    storedIds: `SELECT event_id FROM ${s}.events WHERE ${WHERE} AND event_id = ANY($4::text[])`,
  } as const;
}

/** The statements of one service. */
export type Statements = ReturnType<typeof statements>;
