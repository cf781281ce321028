// Test helpers: a real PostgreSQL on 127.0.0.1:5432 (started by scripts/ensure-services.sh when
// its port is closed), and a schema of its own for every test so runs never collide.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import pg from 'pg';

const HOST = '127.0.0.1';
const PORT = 5432;
const script = new URL('../../../scripts/ensure-services.sh', import.meta.url).pathname;

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port, timeout: 1_000 });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

let resolved: Promise<string> | undefined;

/**
 * A connection string that works here: `RXAGENTS_TEST_PG` when set, else the first of root@test,
 * postgres@test, root@postgres, postgres@postgres that accepts a connection (trust auth).
 */
export function databaseUrl(): Promise<string> {
  resolved ??= (async () => {
    if (!(await portOpen(PORT))) {
      execFileSync('bash', [script, 'postgres'], { stdio: 'inherit', timeout: 60_000 });
    }
    const fromEnv = process.env.RXAGENTS_TEST_PG;
    const candidates =
      fromEnv !== undefined && fromEnv !== ''
        ? [fromEnv]
        : [
            'root@127.0.0.1:5432/test',
            'postgres@127.0.0.1:5432/test',
            'root@127.0.0.1:5432/postgres',
            'postgres@127.0.0.1:5432/postgres',
          ].map((c) => `postgres://${c}`);
    const failures: string[] = [];
    for (const url of candidates) {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
      try {
        await client.connect();
        await client.end();
        return url;
      } catch (error: unknown) {
        failures.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
        await client.end().catch(() => {});
      }
    }
    throw new Error(`no usable PostgreSQL for the tests:\n${failures.join('\n')}`);
  })();
  return resolved;
}

/** A new, unique schema name (nothing is created until a service migrates it). */
export function uniqueSchema(label = 't'): string {
  return `rxt_${label}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** A pool for inspecting and tampering with the tables directly, and dropping schemas. */
export async function adminPool(): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: await databaseUrl(), max: 2 });
  pool.on('error', () => {});
  return pool;
}

export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}
