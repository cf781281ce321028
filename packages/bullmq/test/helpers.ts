// Test-only helpers: real Redis and PostgreSQL on 127.0.0.1, started when down, and a key prefix
// (and schema) per test so runs never collide.
import { execFileSync, execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PostgresSessionService } from '@rxagents/postgres';
import { Redis } from 'ioredis';
import pg from 'pg';
import { lastValueFrom } from 'rxjs';
import { eventually } from '../../../test/support/eventually.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const REDIS = { host: '127.0.0.1', port: 6379 } as const;
export const POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

let ensured = false;

/** Starts Redis and PostgreSQL when they do not answer (the shared script when present). */
export function ensureServices(): void {
  if (ensured) return;
  const script = resolve(root, 'scripts/ensure-services.sh');
  if (existsSync(script)) {
    execFileSync('bash', [script], { stdio: 'inherit' });
  } else {
    try {
      execSync('redis-cli -h 127.0.0.1 -p 6379 ping', { stdio: 'ignore' });
    } catch {
      execSync('redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no');
    }
    try {
      execSync('pg_isready -q -h 127.0.0.1 -p 5432', { stdio: 'ignore' });
    } catch {
      execSync(
        'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | sort -V | tail -n 1) main start',
      );
      execSync('for i in $(seq 1 100); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done');
    }
  }
  ensured = true;
}

/** A prefix no other test uses. */
export function uniquePrefix(name: string): string {
  return `rxt-${name}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under the prefix. */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis({ ...REDIS, lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A plain Redis connection for assertions. */
export async function redisClient(): Promise<Redis> {
  const redis = new Redis({ ...REDIS, lazyConnect: true });
  await redis.connect();
  return redis;
}

/** Resolves when `check` holds, polling; rejects after `timeout` ms. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeout = 10_000,
  what = 'condition',
): Promise<void> {
  await eventually(check, timeout, () => what);
}

/** `RXAGENTS_TEST_PG`, or the local server as the `postgres` superuser (trust auth). */
export function postgresUrl(): string {
  const fromEnv = process.env.RXAGENTS_TEST_PG;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : POSTGRES_URL;
}

/** A schema name no other test uses (created by the session service's migration). */
export function uniqueSchema(name: string): string {
  return `rxt_bullmq_${name}_${randomUUID().slice(0, 8)}`;
}

/** Drops a test schema. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A key prefix and a PostgreSQL schema of one test file's own, from {@link testBackend}. */
export interface TestBackend {
  readonly prefix: string;
  readonly schema: string;
  /** Starts the services when down, then opens the schema's session service and migrates it. */
  open(): Promise<PostgresSessionService>;
  /** Closes the session service, drops the schema and deletes the prefix's keys. */
  drop(): Promise<void>;
}

/**
 * Redis keys and a session schema no other test uses. The schema is migrated once in `open`, so
 * several workers starting at once do not all migrate it.
 */
export function testBackend(name: string): TestBackend {
  const prefix = uniquePrefix(name);
  const schema = uniqueSchema(name);
  let sessions: PostgresSessionService | undefined;
  return {
    prefix,
    schema,
    async open() {
      ensureServices();
      sessions = new PostgresSessionService({ connectionString: postgresUrl(), schema });
      await lastValueFrom(sessions.migrate(), { defaultValue: undefined });
      return sessions;
    },
    async drop() {
      await sessions?.close();
      await dropSchema(schema);
      await dropPrefix(prefix);
    },
  };
}
