import { BackendUnavailableError, RxAgentsError, SessionStoreError } from '@rxagents/core';
import pg from 'pg';
import { migrationSql, quoteIdentifier } from '../schema.js';
import { isConnectionLost } from './isConnectionLost.js';

const BACKEND = 'postgres';

/**
 * The pool, the migration that runs before first use, and the error mapping every statement of
 * the service goes through: a lost connection is a `BackendUnavailableError`, anything untyped
 * the database refused a `SessionStoreError`.
 */
export class Database {
  /** The schema as a quoted identifier, for the statements. */
  readonly s: string;
  private migrated: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly ownsPool: boolean,
    /** The schema, unquoted. */
    readonly schema: string,
  ) {
    this.s = quoteIdentifier(schema);
  }

  /** A pool of the service's own, whose idle clients' errors are reported on their next query. */
  static ownPool(connectionString: string | undefined, connectTimeoutMillis: number): pg.Pool {
    const pool = new pg.Pool({
      ...(connectionString === undefined ? {} : { connectionString }),
      connectionTimeoutMillis: connectTimeoutMillis,
    });
    // An idle client whose server went away emits 'error' on the pool; unhandled, that would
    // crash the process. The next query reports the problem instead.
    pool.on('error', () => {});
    return pool;
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }

  startMigration(): Promise<void> {
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

  /** Runs `work` after the migration; any failure not already typed becomes a SessionStoreError. */
  async query<T>(
    sessionId: string,
    agent: string | undefined,
    work: (client: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.run(work);
    } catch (error: unknown) {
      throw storeFailure(error, agent, sessionId);
    }
  }

  /** `query` without the mapping of untyped failures, for a caller that names the agent later. */
  async run<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    await (this.migrated ?? this.startMigration());
    return this.withClient(work);
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

/** A failure as the service reports it: typed errors pass, anything else is a SessionStoreError. */
export function storeFailure(error: unknown, agent: string | undefined, sessionId: string, what = ''): Error {
  if (error instanceof RxAgentsError || error instanceof RangeError) return error;
  return new SessionStoreError(agent, sessionId, `${what}${messageOf(error)}`, error);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
