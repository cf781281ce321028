import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectionLost } from '../src/internal/isConnectionLost.js';
import { adminPool, databaseUrl, dropSchema, uniqueSchema } from './db.js';
import { type FaultRunsSummary, faultRuns } from './fixtures/faultRuns.js';

let admin: pg.Pool;
let url: string;
const schemas: string[] = [];

beforeAll(async () => {
  url = await databaseUrl();
  admin = await adminPool();
});
afterAll(async () => {
  for (const schema of schemas) await dropSchema(admin, schema);
  await admin.end();
});

function newSchema(): string {
  const schema = uniqueSchema('fault');
  schemas.push(schema);
  return schema;
}

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isConnectionLost', () => {
  it('recognises what pg reports for a lost connection', () => {
    for (const error of [
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('Connection terminated unexpectedly'),
      new Error('Connection terminated due to connection timeout'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('the database system is shutting down', '57P03'),
      withCode('read ECONNRESET', 'ECONNRESET'),
      withCode('write EPIPE', 'EPIPE'),
      withCode('connection failure', '08006'),
    ]) {
      expect(isConnectionLost(error), error.message).toBe(true);
    }
  });

  it('leaves failed statements on a working connection alone', () => {
    for (const error of [
      withCode('duplicate key value violates unique constraint', '23505'),
      withCode('canceling statement due to statement timeout', '57014'),
      withCode('disk full', 'P0001'),
      new TypeError('x is not a function'),
      'Connection terminated',
    ]) {
      expect(isConnectionLost(error)).toBe(false);
    }
  });

  it('recognises the real error of a client whose backend was terminated', async () => {
    const client = new pg.Client({ connectionString: url });
    const reported: Error[] = [];
    client.on('error', (error) => reported.push(error));
    await client.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    // Listened for before the terminate: the client can end before pg_terminate_backend's answer.
    const ended = new Promise((resolve) => client.once('end', resolve));
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await ended;
    const error = await client.query('SELECT 1').catch((e: unknown) => e);
    expect((error as Error).message).toBe('Client has encountered a connection error and is not queryable');
    expect(reported.map((e) => (e as { code?: string }).code)).toContain('57P01');
    expect([error, ...reported].every(isConnectionLost)).toBe(true);
  });
});

describe('PostgresSessionService under connection faults', () => {
  it('a plain Node process survives its backends being terminated mid-run (no unhandled error event)', async () => {
    const schema = newSchema();
    const fixture = fileURLToPath(new URL('./fixtures/faultRunsMain.ts', import.meta.url));
    const child = spawn(process.execPath, ['--conditions=@rxagents/source', '--import', 'tsx', fixture], {
      env: { ...process.env, RX_PG: url, RX_SCHEMA: schema, RX_RUNS: '30', RX_SEED: '3' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).not.toContain("Unhandled 'error' event");
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as FaultRunsSummary;
    expect(Object.keys(summary.failures)).toEqual(['BackendUnavailableError']);
    expect(summary.problems).toEqual([]);
  }, 30_000);

  it('terminating the backend at random points of 80 runs: only BackendUnavailableError, no partial or duplicated rows, resume completes each run once', async () => {
    const unhandled: unknown[] = [];
    const record = (error: unknown) => unhandled.push(error);
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
    let summary: FaultRunsSummary;
    try {
      summary = await faultRuns({ url, schema: newSchema(), runs: 80, seed: 15 });
      // late 'error' events of terminated clients arrive after their run
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    }
    expect(unhandled).toEqual([]);
    expect(summary.terminated).toBeGreaterThanOrEqual(80);
    // every failed first attempt failed with the lost-connection error, and some did fail
    expect(Object.keys(summary.failures)).toEqual(['BackendUnavailableError']);
    expect(summary.failures.BackendUnavailableError).toBeGreaterThan(10);
    // the raw tables after each fault and after each resume (see checkTables)
    expect(summary.problems).toEqual([]);
  }, 30_000);
});
