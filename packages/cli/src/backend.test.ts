import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PostgresSessionService } from '@rxagents/postgres';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUrl, testBackend } from '../../bullmq/test/helpers.js';
import { cliAsync, fixture, killAll, type Term, term } from '../test/terminal.js';

// The workload commands against real Redis and PostgreSQL (started by scripts/ensure-services.sh
// when down): one `rxagents worker` process hosts test/fixtures/deployment.ts, and every other
// command is the binary in a process of its own, as a user would run them from other terminals.
// A key prefix and a schema of their own keep runs apart.
const REDIS_URL = 'redis://127.0.0.1:6379';
const POSTGRES_URL = postgresUrl();
const backend = testBackend('cli');
const { prefix, schema } = backend;
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
// The 'deploy' phase of a deployment whose id starts with 'held' waits for release(id) (see the
// fixture): stops and Ctrl-C land mid-run however busy the machine is.
const gates = mkdtempSync(join(tmpdir(), 'rxagents-cli-gates-'));
const release = (id: string) => writeFileSync(join(gates, id), '');

let worker: Term;
let sessions: PostgresSessionService;

beforeAll(async () => {
  sessions = await backend.open();
  // Phases of 0.3 s and 0.6 s (the second held for 'held…' deployments until released).
  worker = term(
    ['worker', fixture('deployment.ts'), '--prefix', prefix, '--concurrency', '2', '--worker-id', 'w1'],
    { ...env, FIXTURE_STEP_MS: '300', FIXTURE_GATES: gates },
  );
  await worker.waitFor('waiting for jobs', 20_000);
}, 60_000);

afterAll(async () => {
  killAll();
  rmSync(gates, { recursive: true, force: true });
  await backend.drop();
});

describe('workload commands against Redis (BullMQ) and PostgreSQL', { timeout: 90_000 }, () => {
  it('a worker runs what deploy enqueues; list, status, logs read it; stop cancels it on the worker; start resumes; cleanup removes it and its session', async () => {
    expect(worker.screen()).toMatch(
      /^worker w1 on redis:\/\/127\.0\.0\.1:6379 · prefix rxt-cli-\w+ · queue rxagents$/m,
    );
    expect(worker.screen()).toMatch(/deployment specs\s+deployment$/m);
    expect(worker.screen()).toContain(`sessions          PostgreSQL, schema ${schema}`);

    // deploy follows the deployment with a live status line.
    const deploy = term(
      ['deploy', fixture('deployment.ts'), '--goal', 'a web app', '--id', 'held1', '--prefix', prefix],
      env,
    );
    await deploy.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] held1 · phase deploy · running/);
    await worker.waitFor(/▸ picked up deployment 'deployment' held1-r1/);

    const [list, status] = await Promise.all([run('list'), run('status', 'held1')]);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+STATUS\s+PHASE\s+WORKER\s+SPEC\s+GOAL$/m);
    expect(list.stdout).toMatch(/^held1\s+running\s+deploy\s+w1\s+deployment\s+a web app$/m);
    expect(status.stdout.trim()).toMatch(/^held1 {2}running {2}phase deploy · worker w1$/);

    const stop = await run('stop', 'held1');
    expect(stop.stdout.trim()).toBe('held1 stopped');
    await worker.waitFor(/■ cancelled deployment 'deployment' held1-r1/);
    // deploy's follow ends with the deployment: exit 3 for stopped.
    expect(await deploy.exitCode()).toBe(3);
    expect(deploy.screen()).toMatch(/■ held1 · phase deploy · stopped/);
    expect(deploy.screen()).toContain("Deployment 'held1' queued: a web app");
    expect(deploy.screen()).toContain('Worker w1 picked the run up');

    const [json, again, session] = await Promise.all([
      run('status', 'held1', '--json'),
      run('stop', 'held1'),
      firstValueFrom(sessions.getSession(sessionKey('held1'))),
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      id: 'held1',
      goal: 'a web app',
      spec: 'deployment',
      worker: 'w1',
      status: 'stopped',
      phase: 'deploy',
    });
    expect(again.stdout.trim()).toBe('held1 was not running');
    // The worker keeps the run's session in PostgreSQL.
    expect(session?.events.length).toBeGreaterThan(0);

    expect((await run('start', 'held1')).stdout.trim()).toBe('held1 started');
    release('held1');
    const follow = await run('logs', 'held1', '--follow');
    expect(follow.status).toBe(0);
    expect(follow.stdout).toContain("Resuming at phase 'deploy'");
    expect(follow.stdout.trimEnd()).toMatch(/Goal reached: deployment completed$/);
    await worker.waitFor(/✔ completed deployment 'deployment' held1-r2/);
    const last = await run('logs', 'held1', '-n', '2');
    expect(last.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] Phase 'deploy' completed$/),
      expect.stringMatching(/Goal reached: deployment completed$/),
    ]);

    expect((await run('cleanup', 'held1')).stdout.trim()).toBe('held1 cleaned');
    const [gone, empty, deleted] = await Promise.all([
      run('status', 'held1'),
      run('list'),
      firstValueFrom(sessions.getSession(sessionKey('held1'))),
    ]);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toContain(
      `error: no deployment 'held1' on redis://127.0.0.1:6379 · prefix ${prefix}`,
    );
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
      ['deploy', fixture('deployment.ts'), '--goal', 'g', '--id', 'held3', '--prefix', prefix],
      env,
    );
    await deploy.waitFor('held3 · phase deploy · running');
    deploy.ctrlC();
    expect(await deploy.exitCode()).toBe(130);
    expect(deploy.screen()).toContain("held3 keeps running on the workers ('rxagents stop held3' stops it)");
    expect((await run('status', 'held3')).stdout.trim()).toBe('held3  running  phase deploy · worker w1');
    expect((await run('cleanup', 'held3')).stdout.trim()).toBe('held3 cleaned');
    await worker.waitFor(/■ cancelled deployment 'deployment' held3-r1/);
  });

  it('an unreachable Redis or PostgreSQL is a clear error naming it, at once', async () => {
    const results = await Promise.all([
      cliAsync(['list', '--redis', DEAD_REDIS]),
      cliAsync(['worker', fixture('deployment.ts'), '--redis', DEAD_REDIS]),
      cliAsync(['worker', fixture('deployment.ts'), '--prefix', prefix, '--postgres', DEAD_POSTGRES], {
        RXAGENTS_REDIS_URL: REDIS_URL,
      }),
      cliAsync(['cleanup', 'held1', '--redis', REDIS_URL, '--prefix', prefix, '--postgres', DEAD_POSTGRES]),
      cliAsync(['worker', fixture('deployment.ts')], { RXAGENTS_REDIS_URL: '' }),
    ]);
    for (const r of results) {
      expect(r.status).toBe(1);
      // No hang (by default ioredis retries forever): the connection attempt is bounded by 3 s;
      // the rest is starting Node and tsx, five at once, on a machine that may be busy.
      expect(r.millis).toBeLessThan(20_000);
    }
    const [list, redisWorker, pgWorker, pgCleanup, noBackend] = results.map((r) => r.stderr);
    const deadRedis =
      'error: Redis at redis://127.0.0.1:1 is unreachable (--redis / RXAGENTS_REDIS_URL): cannot connect to 127.0.0.1:1';
    expect(list).toContain(deadRedis);
    expect(redisWorker).toContain(deadRedis);
    const deadPostgres = `error: PostgreSQL at ${DEAD_POSTGRES} is unreachable (--postgres / RXAGENTS_POSTGRES_URL): cannot connect`;
    expect(pgWorker).toContain(deadPostgres);
    expect(pgCleanup).toContain(deadPostgres);
    expect(noBackend).toContain(
      "error: 'rxagents worker' needs a Redis backend: --redis <url> or RXAGENTS_REDIS_URL",
    );
  });

  it('Ctrl-C closes the worker cleanly: no new jobs, the running one finishes, exit 130', async () => {
    const deploy = await run('deploy', fixture('deployment.ts'), '--goal', 'g', '--id', 'held4', '--detach');
    expect(deploy.stdout.trim()).toBe('held4');
    await worker.waitFor(/▸ picked up deployment 'deployment' held4-r1/);
    worker.ctrlC();
    await worker.waitFor('closing: waiting for 1 running job to end');
    release('held4');
    expect(await worker.exitCode(15_000)).toBe(130);
    expect(worker.screen()).toMatch(/✔ completed deployment 'deployment' held4-r1\nworker w1 closed$/);
    expect(JSON.parse((await run('status', 'held4', '--json')).stdout)).toMatchObject({
      status: 'completed',
    });
  });

  it('--grace: a closing worker hands a job still running after the grace period over and exits', async () => {
    // w1 is closed by now: this worker is the only one.
    const w2 = term(
      ['worker', fixture('deployment.ts'), '--prefix', prefix, '--worker-id', 'w2', '--grace', '300'],
      {
        ...env,
        FIXTURE_STEP_MS: '300',
        FIXTURE_GATES: gates,
      },
    );
    await w2.waitFor('waiting for jobs', 20_000);
    expect((await run('deploy', 'deployment', '--goal', 'g', '--id', 'held5', '--detach')).status).toBe(0);
    await w2.waitFor(/▸ picked up deployment 'deployment' held5-r1/);
    w2.ctrlC();
    // Never released: the worker exits anyway, leaving the job to whichever worker comes next.
    expect(await w2.exitCode(15_000)).toBe(130);
    expect(w2.screen()).toContain(
      'closing: waiting up to 300ms for 1 running job to end, then handing them over to other workers',
    );
    expect(w2.screen()).not.toContain('completed deployment');
    expect(JSON.parse((await run('status', 'held5', '--json')).stdout)).toMatchObject({
      status: 'running',
      worker: 'w2',
    });
  });

  it('a deployment waiting for input on a worker: status shows its request, respond answers it there', async () => {
    // A queue of its own (prefix), so no worker of the other tests takes its jobs.
    const own = `${prefix}-ask`;
    const asker = term(['worker', fixture('approval-deployment.ts'), '--prefix', own, '--worker-id', 'wa'], {
      ...env,
      FIXTURE_STEP_MS: '100',
    });
    await asker.waitFor('waiting for jobs', 20_000);
    const at = (...args: string[]) => cliAsync([...args, '--prefix', own], env);
    const deploy = await at(
      'deploy',
      fixture('approval-deployment.ts'),
      '--goal',
      'ship',
      '--id',
      'ask1',
      '--detach',
    );
    expect(deploy.status).toBe(0);
    let status = await at('status', 'ask1');
    for (let i = 0; i < 100 && !status.stdout.includes('waiting'); i++) status = await at('status', 'ask1');
    expect(status.stdout).toMatch(/^ask1 {2}waiting {2}phase review · worker wa$/m);
    expect(status.stdout).toContain('? reviewer asks: Ship this build?');
    const requestId = /rxagents respond ask1 '([^']+)'/.exec(status.stdout)![1]!;

    const bad = await at('respond', 'ask1', requestId, '{"approved":"no"}');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("does not match the request's schema");
    // `true` is no `{ approved }`: refused too; then the right shape.
    expect((await at('respond', 'ask1', requestId, 'true')).status).toBe(1);
    const ok = await at('respond', 'ask1', requestId, '{"approved":true}');
    expect(ok.stdout.trim()).toBe(`ask1 answered ${requestId}`);
    let done = await at('status', 'ask1');
    for (let i = 0; i < 100 && !done.stdout.includes('completed'); i++) done = await at('status', 'ask1');
    expect(done.stdout).toMatch(/^ask1 {2}completed {2}phase ship · worker wa$/m);
    const logs = await at('logs', 'ask1');
    expect(logs.stdout).toContain("Waiting for input in phase 'review'");
    expect(logs.stdout).toContain('Answer refused');
  }, 90_000);
});
