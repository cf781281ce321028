import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { cliAsync, fixture } from '../test/terminal.js';

// `rxagents run --json` pauses with exit code 4; `rxagents resume` answers from another process,
// the session kept in PostgreSQL in between.
const POSTGRES_URL = process.env.RXAGENTS_TEST_PG || 'postgres://postgres@127.0.0.1:5432/postgres';
const schema = `rxt_cli_resume_${randomUUID().slice(0, 8)}`;
const env = { RXAGENTS_POSTGRES_URL: POSTGRES_URL, RXAGENTS_POSTGRES_SCHEMA: schema };

afterAll(async () => {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

describe('rxagents run --json and rxagents resume', { timeout: 60_000 }, () => {
  it('a paused run exits with 4 and its request; resume answers it in a later process; a second answer is refused', async () => {
    const run = await cliAsync(
      ['run', fixture('confirm.ts'), '-i', 'mail ann', '--session', 's1', '--json'],
      env,
    );
    expect(run.status).toBe(4);
    const events = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { actions: { requestInput?: { id: string; kind: string } } });
    const request = events.at(-1)!.actions.requestInput!;
    expect(request.kind).toBe('confirmation');
    expect(run.stderr).toContain(`--session s1 --answer '${request.id}=<json>'`);

    const bad = await cliAsync(
      ['resume', fixture('confirm.ts'), '--session', 's1', '--answer', `${request.id}="maybe"`, '--json'],
      env,
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("does not match the request's schema");

    const resumed = await cliAsync(
      ['resume', fixture('confirm.ts'), '--session', 's1', '--answer', `${request.id}=true`, '--json'],
      env,
    );
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain('"sent":"ann"');
    expect(resumed.stdout).toContain('Sent to ann.');

    const again = await cliAsync(
      ['resume', fixture('confirm.ts'), '--session', 's1', '--answer', `${request.id}=false`, '--json'],
      env,
    );
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already answered');
  });
});
