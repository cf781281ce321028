import { agent, InMemorySessionService, sequentialIds, text } from '@rxagents/core';
import { DeploymentNotFoundError, InvalidDeploymentConfigError } from '@rxagents/workloads';
import {
  asyncScheduler,
  finalize,
  firstValueFrom,
  lastValueFrom,
  map,
  NEVER,
  of,
  timer,
  toArray,
} from 'rxjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, ensureServices, REDIS, uniquePrefix, until } from '../test/helpers.js';
import { DistributedWorkload } from './DistributedWorkload.js';
import { startWorker, type WorkerOptions } from './startWorker.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
beforeAll(() => ensureServices());

function fixture(name: string, sessions = new InMemorySessionService()) {
  const prefix = uniquePrefix(name);
  cleanups.push(() => dropPrefix(prefix));
  const location = { connection: REDIS, prefix };
  const workload = new DistributedWorkload({
    ...location,
    sessionService: sessions,
    stopTimeoutMillis: 5000,
  });
  cleanups.push(() => workload.close());
  return {
    workload,
    sessions,
    async worker(options: Omit<WorkerOptions, 'connection' | 'prefix' | 'sessionService'>) {
      const handle = await startWorker({ ...location, sessionService: sessions, ...options });
      cleanups.push(() => handle.close({ force: true }));
      return handle;
    },
  };
}

const step = (name: string, ran: string[], millis = 10) =>
  agent(name, (ctx) => {
    ran.push(name);
    return timer(millis).pipe(map(() => ctx.newEvent({ content: text(`${name} done`) })));
  });

describe('DistributedWorkload', () => {
  it('deploys a named spec to a worker; status, logs and list are readable from here', async () => {
    const f = fixture('deploy');
    const ran: string[] = [];
    await f.worker({
      workerId: 'w1',
      deployments: {
        site: ({ goal }) => ({
          goal: goal ?? 'a site',
          phases: [
            { name: 'build', agent: step('builder', ran) },
            { name: 'ship', agent: step('shipper', ran) },
          ],
        }),
      },
    });
    const id = await f.workload.deploy({ spec: 'site', goal: 'a deployed site', deploymentId: 'd1' });
    expect(id).toBe('d1');
    const live = lastValueFrom(f.workload.logs$(id, { intervalMillis: 15 }).pipe(toArray()));
    const updates = await lastValueFrom(f.workload.status$(id, { intervalMillis: 20 }).pipe(toArray()));
    expect(updates.at(-1)).toMatchObject({ phase: 'ship', status: 'completed' });
    expect(ran).toEqual(['builder', 'shipper']);
    const logs = await f.workload.logs(id);
    const messages = logs.map((line) => line.replace(/^\[[^\]]+\] /, ''));
    expect(messages).toEqual([
      "Deployment 'd1' queued: a deployed site",
      'Worker w1 picked the run up',
      "Phase 'build' started",
      '[build] builder done',
      "Phase 'build' completed",
      "Phase 'ship' started",
      '[ship] shipper done',
      "Phase 'ship' completed",
      'Goal reached: deployment completed',
    ]);
    expect(await f.workload.logs(id, 2)).toEqual(logs.slice(-2));
    // the live lines: each new line once, in order, up to the last one (then it completes)
    const followed = await live;
    expect(followed.length).toBeGreaterThanOrEqual(5);
    expect(followed).toEqual(logs.slice(logs.length - followed.length));
    expect(await f.workload.list()).toEqual([
      expect.objectContaining({
        id: 'd1',
        spec: 'site',
        goal: 'a deployed site',
        status: 'completed',
        worker: 'w1',
        pickups: 1,
        completions: 1,
      }),
    ]);
    const session = await firstValueFrom(
      f.sessions.getSession({ appName: 'workloads', userId: 'workload', sessionId: 'd1' }),
    );
    expect(session?.events[0]).toMatchObject({ author: 'user', id: 'd1-r1-e1' });
    expect(session?.state.get('deployment:status')).toBe('completed');
  });

  it('stop cancels on the worker; start resumes at the phase it was in; cleanup forgets it', async () => {
    const f = fixture('stop');
    const ran: string[] = [];
    let slow = true;
    const tornDown: string[] = [];
    const deployer = agent('deployer', (ctx) => {
      ran.push('deployer');
      return timer(slow ? 60_000 : 10).pipe(
        map(() => ctx.newEvent({ content: text('deployed') })),
        finalize(() => tornDown.push('deployer')),
      );
    });
    await f.worker({
      deployments: {
        site: {
          goal: 'a site',
          phases: [
            { name: 'build', agent: step('builder', ran) },
            { name: 'deploy', agent: deployer },
          ],
        },
      },
    });
    const id = await f.workload.deploy({ spec: 'site' });
    await until(async () => (await f.workload.status(id)).phase === 'deploy', 5000, 'the deploy phase');
    await until(() => ran.includes('deployer'), 5000, 'the deployer to start');
    expect(await f.workload.stop(id)).toBe(true);
    expect(tornDown).toEqual(['deployer']);
    expect(await f.workload.status(id)).toMatchObject({ phase: 'deploy', status: 'stopped' });
    expect(await f.workload.stop(id)).toBe(false);
    slow = false;
    expect(await f.workload.start(id)).toBe(true);
    expect(await f.workload.start(id)).toBe(false);
    await until(async () => (await f.workload.status(id)).status === 'completed', 5000, 'completion');
    // the restart resumed at 'deploy': the build phase did not run again
    expect(ran).toEqual(['builder', 'deployer', 'deployer']);
    const messages = (await f.workload.logs(id)).map((line) => line.replace(/^\[[^\]]+\] /, ''));
    expect(messages).toContain("Stopped during phase 'deploy'");
    expect(messages).toContain("Resuming at phase 'deploy' (attempt 1)");
    expect(messages.at(-1)).toBe('Goal reached: deployment completed');

    expect(await f.workload.cleanup(id)).toEqual({ status: 'cleaned' });
    await expect(f.workload.status(id)).rejects.toBeInstanceOf(DeploymentNotFoundError);
    expect(await f.workload.list()).toEqual([]);
    const session = await firstValueFrom(
      f.sessions.getSession({ appName: 'workloads', userId: 'workload', sessionId: id }),
    );
    expect(session).toBeUndefined();
  });

  it('stops a deployment no worker has picked up yet', async () => {
    const f = fixture('stop-queued');
    const id = await f.workload.deploy({ spec: 'site', goal: 'later' });
    expect(await f.workload.status(id)).toMatchObject({ phase: '', status: 'pending' });
    expect(await f.workload.stop(id)).toBe(true);
    expect(await f.workload.status(id)).toMatchObject({ status: 'stopped' });
    const ran: string[] = [];
    await f.worker({
      deployments: { site: { goal: 'x', phases: [{ name: 'build', agent: step('builder', ran) }] } },
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(ran).toEqual([]);
    expect((await f.workload.logs(id)).at(-1)).toMatch(/Stopped before starting$/);
  });

  it('keeps the attempt in the record: a restart resumes at the phase and attempt it was in', async () => {
    const f = fixture('attempt');
    let hold = true;
    const attemptOf = (ctx: { state: { get(key: string): unknown } }) =>
      Number(ctx.state.get('deployment:attempt'));
    // Hangs on its second attempt until released; the goal is met from the second attempt on.
    const deployer = agent('deployer', (ctx) =>
      attemptOf(ctx) === 2 && hold ? NEVER : of(ctx.newEvent({ content: text('deployed') })),
    );
    const judge = agent('judge', (ctx) =>
      of(ctx.newEvent({ actions: { stateDelta: { 'goal:met': attemptOf(ctx) >= 2 } } })),
    );
    await f.worker({
      deployments: {
        site: { goal: 'g', phases: [{ name: 'deploy', agent: deployer }], evaluator: judge, maxAttempts: 3 },
      },
    });
    const id = await f.workload.deploy({ spec: 'site' });
    const messages = async () => (await f.workload.logs(id)).map((line) => line.replace(/^\[[^\]]+\] /, ''));
    await until(
      async () => (await messages()).includes("Phase 'deploy' started (attempt 2/3)"),
      5000,
      'attempt 2',
    );
    expect(await f.workload.stop(id)).toBe(true);
    hold = false;
    expect(await f.workload.start(id)).toBe(true);
    await until(async () => (await f.workload.status(id)).status === 'completed', 5000, 'completion');
    expect(await messages()).toContain("Resuming at phase 'deploy' (attempt 2)");
    expect((await messages()).at(-2)).toBe('Goal met (attempt 2/3)');
  });

  it('a spec the worker cannot build fails the deployment (not stuck pending)', async () => {
    const f = fixture('bad-spec');
    await f.worker({
      deployments: {
        broken: () => ({ goal: 'x', phases: [] }),
        throwing: () => {
          throw new Error('no such template');
        },
      },
    });
    for (const spec of ['broken', 'throwing']) {
      const id = await f.workload.deploy({ spec });
      await until(async () => (await f.workload.status(id)).status === 'failed', 5000, `${spec} to fail`);
      const last = (await f.workload.logs(id)).at(-1) ?? '';
      expect(last).toMatch(
        spec === 'broken' ? /Failed: Invalid deployment config: phases/ : /Failed: no such template$/,
      );
    }
  });

  it('a static spec needs no goal of its own: deploy supplies it, and neither fails naming goal', async () => {
    const f = fixture('goalless');
    const ran: string[] = [];
    await f.worker({ deployments: { site: { phases: [{ name: 'build', agent: step('builder', ran) }] } } });
    const id = await f.workload.deploy({ spec: 'site', goal: 'a deployed site' });
    await until(async () => (await f.workload.status(id)).status === 'completed', 5000, 'site to complete');
    expect(ran).toEqual(['builder']);
    const session = await firstValueFrom(
      f.sessions.getSession({ appName: 'workloads', userId: 'workload', sessionId: id }),
    );
    expect(session?.state.get('deployment:goal')).toBe('a deployed site');
    const bare = await f.workload.deploy({ spec: 'site' });
    await until(async () => (await f.workload.status(bare)).status === 'failed', 5000, 'bare to fail');
    expect((await f.workload.logs(bare)).at(-1)).toMatch(
      /Failed: Invalid deployment config: goal: spec 'site' has no goal and deploy\(\) gave none$/,
    );
  });

  it('rejects unknown specs, taken or malformed ids; unknown ids are DeploymentNotFoundError', async () => {
    const f = fixture('invalid');
    await f.worker({ deployments: { site: { goal: 'x', phases: [{ name: 'b', agent: step('b', []) }] } } });
    const unknown = await f.workload.deploy({ spec: 'nope' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(InvalidDeploymentConfigError);
    expect(unknown).toMatchObject({ field: 'spec' });
    await f.workload.deploy({ spec: 'site', deploymentId: 'taken' });
    await expect(f.workload.deploy({ spec: 'site', deploymentId: 'taken' })).rejects.toMatchObject({
      field: 'deploymentId',
    });
    await expect(f.workload.deploy({ spec: 'site', deploymentId: 'a:b' })).rejects.toMatchObject({
      field: 'deploymentId',
    });
    for (const call of [
      () => f.workload.status('ghost'),
      () => f.workload.logs('ghost'),
      () => lastValueFrom(f.workload.logs$('ghost')),
      () => f.workload.stop('ghost'),
      () => f.workload.start('ghost'),
      () => f.workload.cleanup('ghost'),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(DeploymentNotFoundError);
    }
  });
  it("takes its clock and ids from the options: the record's times and the generated ids are theirs", async () => {
    const prefix = uniquePrefix('runtime');
    cleanups.push(() => dropPrefix(prefix));
    const day = 86_400_000;
    // The wall clock's scheduling, a day after the epoch as its time.
    const scheduler = { now: () => day, schedule: asyncScheduler.schedule.bind(asyncScheduler) };
    const workload = new DistributedWorkload({
      connection: REDIS,
      prefix,
      scheduler,
      idGenerator: sequentialIds('n'),
    });
    cleanups.push(() => workload.close());
    expect(await workload.deploy({ spec: 'site', goal: 'g' })).toBe('deployment-n1');
    expect(await workload.deploy({ spec: 'site', goal: 'g' })).toBe('deployment-n2');
    expect(await workload.status('deployment-n1')).toEqual({ phase: '', status: 'pending', at: day });
    expect(await workload.stop('deployment-n1')).toBe(true);
    expect(await workload.logs('deployment-n1')).toEqual([
      "[1970-01-02 00:00:00] Deployment 'deployment-n1' queued: g",
      '[1970-01-02 00:00:00] Stopped before starting',
    ]);
  });
});
