import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { PostgresSessionService } from '@rxagents/postgres';
import { Redis } from 'ioredis';
import pg from 'pg';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliAsync, fixture, killAll, pkg, type Term, term } from '../test/terminal.js';

// The workload commands against real Redis and PostgreSQL (started by scripts/ensure-services.sh
// when down): one `rxagents worker` process hosts test/fixtures/deployment.ts, and every other
// command is the binary in a process of its own, as a user would run them from other terminals.
// A key prefix and a schema of their own keep runs apart.
const REDIS_URL = 'redis://127.0.0.1:6379';
const POSTGRES_URL = process.env.RXAGENTS_TEST_PG || 'postgres://postgres@127.0.0.1:5432/postgres';
const tag = randomUUID().slice(0, 8);
const prefix = `rxt-cli-${tag}`;
const schema = `rxt_cli_${tag}`;
// Nothing reaches these: the unreachable-backend errors.
const DEAD_REDIS = 'redis://127.0.0.1:1';
const DEAD_POSTGRES = 'postgres://postgres@127.0.0.1:1/postgres';

// Flags and environment both configure the backend: the prefix goes as a flag, the rest as env.
const env = {
  RXAGENTS_REDIS_URL: REDIS_URL,
  RXAGENTS_POSTGRES_URL: POSTGRES_URL,
  RXAGENTS_POSTGRES_SCHEMA: schema,
};
const run = (...args: string[]) => cliAsync([...args, '--prefix', prefix], env);
const sessionKey = (sessionId: string) => ({ appName: 'workloads', userId: 'workload', sessionId });

let worker: Term;
let sessions: PostgresSessionService;

beforeAll(async () => {
  execFileSync('bash', [resolve(pkg, '../../scripts/ensure-services.sh')], { stdio: 'inherit' });
  sessions = new PostgresSessionService({ connectionString: POSTGRES_URL, schema });
  // Phases of 1.5 s and 3 s: long enough for `stop` (a process of its own, ~0.5 s) to land mid-run.
  worker = term(
    ['worker', fixture('deployment.ts'), '--prefix', prefix, '--concurrency', '2', '--worker-id', 'w1'],
    {
      ...env,
      FIXTURE_STEP_MS: '1500',
    },
  );
  await worker.waitFor('waiting for jobs', 20_000);
}, 60_000);

afterAll(async () => {
  killAll();
  await sessions?.close();
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

describe('workload commands against Redis (BullMQ) and PostgreSQL', { timeout: 30_000 }, () => {
  it('a worker runs what deploy enqueues; list, status, logs read it; stop cancels it on the worker; start resumes; cleanup removes it and its session', async () => {
    expect(worker.screen()).toMatch(
      /^worker w1 on redis:\/\/127\.0\.0\.1:6379 · prefix rxt-cli-\w+ · queue rxagents$/m,
    );
    expect(worker.screen()).toMatch(/deployment specs\s+deployment$/m);
    expect(worker.screen()).toContain(`sessions          PostgreSQL, schema ${schema}`);

    // deploy follows the deployment with a live status line.
    const deploy = term(
      ['deploy', fixture('deployment.ts'), '--goal', 'a web app', '--id', 'web1', '--prefix', prefix],
      env,
    );
    await deploy.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] web1 · phase build · running/);
    await worker.waitFor(/▸ picked up deployment 'deployment' web1-r1/);

    const [list, status] = await Promise.all([run('list'), run('status', 'web1')]);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+STATUS\s+PHASE\s+WORKER\s+SPEC\s+GOAL$/m);
    expect(list.stdout).toMatch(/^web1\s+running\s+(build|deploy)\s+w1\s+deployment\s+a web app$/m);
    expect(status.stdout.trim()).toMatch(/^web1 {2}running {2}phase (build|deploy) · worker w1$/);

    const stop = await run('stop', 'web1');
    expect(stop.stdout.trim()).toBe('web1 stopped');
    await worker.waitFor(/■ cancelled deployment 'deployment' web1-r1/);
    // deploy's follow ends with the deployment: exit 3 for stopped.
    expect(await deploy.exitCode()).toBe(3);
    expect(deploy.screen()).toMatch(/■ web1 · phase (build|deploy) · stopped/);
    expect(deploy.screen()).toContain("Deployment 'web1' queued: a web app");
    expect(deploy.screen()).toContain('Worker w1 picked the run up');

    const [json, again, session] = await Promise.all([
      run('status', 'web1', '--json'),
      run('stop', 'web1'),
      firstValueFrom(sessions.getSession(sessionKey('web1'))),
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      id: 'web1',
      goal: 'a web app',
      spec: 'deployment',
      worker: 'w1',
      status: 'stopped',
      phase: expect.stringMatching(/^(build|deploy)$/),
    });
    expect(again.stdout.trim()).toBe('web1 was not running');
    // The worker keeps the run's session in PostgreSQL.
    expect(session?.events.length).toBeGreaterThan(0);

    expect((await run('start', 'web1')).stdout.trim()).toBe('web1 started');
    const follow = await run('logs', 'web1', '--follow');
    expect(follow.status).toBe(0);
    expect(follow.stdout).toContain('Resuming at phase');
    expect(follow.stdout.trimEnd()).toMatch(/Goal reached: deployment completed$/);
    await worker.waitFor(/✔ completed deployment 'deployment' web1-r2/);
    const last = await run('logs', 'web1', '-n', '2');
    expect(last.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] Phase 'deploy' completed$/),
      expect.stringMatching(/Goal reached: deployment completed$/),
    ]);

    expect((await run('cleanup', 'web1')).stdout.trim()).toBe('web1 cleaned');
    const [gone, empty, deleted] = await Promise.all([
      run('status', 'web1'),
      run('list'),
      firstValueFrom(sessions.getSession(sessionKey('web1'))),
    ]);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toContain(`error: no deployment 'web1' on redis://127.0.0.1:6379 · prefix ${prefix}`);
    expect(empty.stdout).toContain(`no deployments on redis://127.0.0.1:6379 · prefix ${prefix}`);
    expect(deleted).toBeUndefined();
  });

  it('deploy --detach prints the id; logs --follow streams to the end; unknown ids and specs are errors', async () => {
    // A spec name (no such file here) instead of a module path.
    const deploy = await run('deploy', 'deployment', '--goal', 'a quick one', '--detach');
    expect(deploy.status).toBe(0);
    const id = deploy.stdout.trim();
    expect(id).toMatch(/^deployment-[\w-]+$/);

    const [follow, noGoal, unknownStatus, unknownLogs, unknownStop, unknownSpec] = await Promise.all([
      run('logs', id, '--follow'),
      // The fixture's spec has no goal of its own: the worker fails the deployment, saying why.
      run('deploy', fixture('deployment.ts'), '--id', 'nogoal'),
      run('status', 'nope'),
      run('logs', 'nope'),
      run('stop', 'nope'),
      run('deploy', 'website', '--goal', 'g'),
    ]);
    expect(noGoal.status).toBe(1);
    expect(noGoal.stdout).toContain("deployment spec 'deployment' has no goal: deploy it with --goal");
    expect(noGoal.stdout).toMatch(/^nogoal - failed$/m);
    expect(follow.status).toBe(0);
    const messages = follow.stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.replace(/^\[[^\]]+\] /, ''));
    expect(messages).toEqual([
      `Deployment '${id}' queued: a quick one`,
      'Worker w1 picked the run up',
      "Phase 'build' started",
      '[build] builder done',
      "Phase 'build' completed",
      "Phase 'deploy' started",
      '[deploy] deployer done',
      "Phase 'deploy' completed",
      'Goal reached: deployment completed',
    ]);
    for (const r of [unknownStatus, unknownLogs, unknownStop]) {
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`error: no deployment 'nope' on redis://127.0.0.1:6379 · prefix ${prefix}`);
    }
    expect(unknownSpec.status).toBe(1);
    expect(unknownSpec.stderr).toContain("no worker hosts a deployment spec named 'website'");
    expect(JSON.parse((await run('status', id, '--json')).stdout)).toMatchObject({ id, status: 'completed' });
  });

  it('Ctrl-C on deploy stops following only: the deployment keeps running on the worker', async () => {
    const deploy = term(
      ['deploy', fixture('deployment.ts'), '--goal', 'g', '--id', 'web3', '--prefix', prefix],
      env,
    );
    await deploy.waitFor('web3 · phase build · running');
    deploy.ctrlC();
    expect(await deploy.exitCode()).toBe(130);
    expect(deploy.screen()).toContain("web3 keeps running on the workers ('rxagents stop web3' stops it)");
    expect((await run('status', 'web3')).stdout).toMatch(/^web3 {2}running {2}phase (build|deploy)/);
    expect((await run('cleanup', 'web3')).stdout.trim()).toBe('web3 cleaned');
    await worker.waitFor(/■ cancelled deployment 'deployment' web3-r1/);
  });

  it('an unreachable Redis or PostgreSQL is a clear error naming it, at once', async () => {
    const results = await Promise.all([
      cliAsync(['list', '--redis', DEAD_REDIS]),
      cliAsync(['status', 'web1'], { RXAGENTS_REDIS_URL: DEAD_REDIS }),
      cliAsync(['worker', fixture('deployment.ts'), '--redis', DEAD_REDIS]),
      cliAsync(['worker', fixture('deployment.ts'), '--prefix', prefix, '--postgres', DEAD_POSTGRES], {
        RXAGENTS_REDIS_URL: REDIS_URL,
      }),
      cliAsync(['cleanup', 'web1', '--redis', REDIS_URL, '--prefix', prefix, '--postgres', DEAD_POSTGRES]),
      cliAsync(['worker', fixture('deployment.ts')], { RXAGENTS_REDIS_URL: '' }),
    ]);
    for (const r of results) {
      expect(r.status).toBe(1);
      expect(r.millis).toBeLessThan(10_000);
    }
    const [list, status, redisWorker, pgWorker, pgCleanup, noBackend] = results.map((r) => r.stderr);
    const deadRedis =
      'error: Redis at redis://127.0.0.1:1 is unreachable (--redis / RXAGENTS_REDIS_URL): cannot connect to 127.0.0.1:1';
    expect(list).toContain(deadRedis);
    expect(status).toContain(deadRedis);
    expect(redisWorker).toContain(deadRedis);
    const deadPostgres = `error: PostgreSQL at ${DEAD_POSTGRES} is unreachable (--postgres / RXAGENTS_POSTGRES_URL): cannot connect`;
    expect(pgWorker).toContain(deadPostgres);
    expect(pgCleanup).toContain(deadPostgres);
    expect(noBackend).toContain(
      "error: 'rxagents worker' needs a Redis backend: --redis <url> or RXAGENTS_REDIS_URL",
    );
  });

  it('Ctrl-C closes the worker cleanly and exits with 130', async () => {
    worker.ctrlC();
    expect(await worker.exitCode()).toBe(130);
    expect(worker.screen()).toMatch(/closing\nworker w1 closed$/);
  });
});
