import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pendingRequests } from '@rxagents/core';
import type pg from 'pg';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSessionService } from '../src/index.js';
import { adminPool, databaseUrl, dropSchema, uniqueSchema } from './db.js';

const here = dirname(fileURLToPath(import.meta.url));
const key = { appName: 'hitl', userId: 'u1', sessionId: 's1' };
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

function start(args: readonly string[]): { child: ChildProcess; line: Promise<Record<string, unknown>> } {
  const child = spawn(
    process.execPath,
    ['--conditions=@rxagents/source', '--import', 'tsx', resolve(here, 'fixtures/pauseProcess.ts'), ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = new Promise<Record<string, unknown>>((done, fail) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const end = out.indexOf('\n');
      if (end !== -1) done(JSON.parse(out.slice(0, end)) as Record<string, unknown>);
    });
    child.once('exit', (code) => fail(new Error(`the process exited (${String(code)}) before answering`)));
  });
  return { child, line };
}

const exited = (child: ChildProcess) =>
  new Promise((done) =>
    child.exitCode !== null || child.signalCode !== null ? done(undefined) : child.once('exit', done),
  );

describe('human in the loop on PostgreSQL, across processes', () => {
  it('pauses in one process, which is killed, and resumes in a fresh one; racing resumes: one wins', async () => {
    const schema = uniqueSchema('hitl');
    schemas.push(schema);
    const first = start([url, schema, 'start']);
    const { pending } = (await first.line) as { pending: string[] };
    expect(pending).toEqual(['job-1/flow.ask/approve#1']);
    first.child.kill('SIGKILL');
    await exited(first.child);

    // two fresh processes answer at once: the optimistic append lets exactly one through
    const a = start([url, schema, 'resume', pending[0]!, '{"approved":true}']);
    const b = start([url, schema, 'resume', pending[0]!, '{"approved":false}']);
    const results = await Promise.all([a.line, b.line]);
    await Promise.all([exited(a.child), exited(b.child)]);
    const won = results.filter((r) => 'authors' in r);
    const lost = results.filter((r) => 'error' in r);
    expect(won).toEqual([{ authors: ['user', 'ask', 'publish'] }]);
    expect(['SESSION_CONFLICT', 'REQUEST_ALREADY_ANSWERED']).toContain(lost[0]?.error);

    const service = new PostgresSessionService({ connectionString: url, schema });
    try {
      const session = (await firstValueFrom(service.getSession(key)))!;
      expect(session.events.map((e) => e.author)).toEqual(['user', 'draft', 'ask', 'user', 'ask', 'publish']);
      expect(session.events.filter((e) => e.actions.inputAnswers !== undefined)).toHaveLength(1);
      expect(pendingRequests(session)).toEqual([]);
      const approved = session.state.get('approved');
      expect(session.state.snapshot()).toEqual({ draft: 'v1', approved });
      expect(session.events.at(-1)?.content?.parts[0]).toEqual({ text: `published ${String(approved)}` });
    } finally {
      await service.close();
    }
  }, 60_000);
});
