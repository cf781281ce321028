/**
 * The migrations this package ships, in order. Each runs once per schema, recorded in
 * `<schema>.rxagents_migrations`; all of them run in one implicit transaction under an advisory
 * lock, so concurrent `migrate()` calls (two workers starting at once) neither race nor half-apply.
 */
export const MIGRATIONS: readonly ((schema: string) => string)[] = [
  (s) => `
CREATE TABLE IF NOT EXISTS ${s}.sessions (
  app_name text NOT NULL,
  user_id text NOT NULL,
  session_id text NOT NULL,
  -- insertion order for listSessions (timestamps tie within a transaction)
  ord bigint GENERATED ALWAYS AS IDENTITY,
  -- the state before the first event (own keys plus the app:/user: values of that moment)
  initial_state jsonb NOT NULL,
  -- the current session-scoped state: keys without a scope prefix
  state jsonb NOT NULL,
  -- number of events in the log: the sequence number the next event must take
  event_count integer NOT NULL DEFAULT 0,
  -- timestamp of the last event, from the invocation's scheduler (0 when there is none)
  last_update_time double precision NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_name, user_id, session_id)
);
CREATE TABLE IF NOT EXISTS ${s}.events (
  app_name text NOT NULL,
  user_id text NOT NULL,
  session_id text NOT NULL,
  seq integer NOT NULL,
  event_id text NOT NULL,
  event jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_name, user_id, session_id, seq),
  UNIQUE (app_name, user_id, session_id, event_id),
  FOREIGN KEY (app_name, user_id, session_id)
    REFERENCES ${s}.sessions (app_name, user_id, session_id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS ${s}.app_state (
  app_name text PRIMARY KEY,
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS ${s}.user_state (
  app_name text NOT NULL,
  user_id text NOT NULL,
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (app_name, user_id)
);`,
];

/** The SQL that brings `schema` (a quoted identifier) up to the newest migration. */
export function migrationSql(schema: string, lockKey: string): string {
  const steps = MIGRATIONS.map(
    (sql, i) => `
DO $rxagents$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM ${schema}.rxagents_migrations WHERE version = ${i + 1}) THEN
    EXECUTE ${quoteLiteral(sql(schema))};
    INSERT INTO ${schema}.rxagents_migrations (version) VALUES (${i + 1});
  END IF;
END $rxagents$;`,
  );
  // One simple-protocol query string runs as one implicit transaction: the advisory lock is held
  // to its end, and an error rolls everything back without leaving a transaction open.
  return `
SELECT pg_advisory_xact_lock(hashtext(${quoteLiteral(lockKey)}));
CREATE SCHEMA IF NOT EXISTS ${schema};
CREATE TABLE IF NOT EXISTS ${schema}.rxagents_migrations (
  version integer PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);
${steps.join('\n')}`;
}

/** Quotes a schema name, which must be a plain identifier (no quoting games in DDL). */
export function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(name)) {
    throw new RangeError(
      `PostgresSessionService: schema '${name}' must be a plain identifier (letters, digits, _ and $)`,
    );
  }
  return `"${name}"`;
}

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
