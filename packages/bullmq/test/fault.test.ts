// Worker processes killed with SIGKILL mid-run: every deployment completes exactly once, every
// run's events reach its caller once, and the durable log in PostgreSQL holds each event once.
import type { Event } from '@rxagents/core';
import type { PostgresSessionService } from '@rxagents/postgres';
import { Queue } from 'bullmq';
import { firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DistributedWorkload } from '../src/DistributedWorkload.js';
import { RemoteRunner } from '../src/RemoteRunner.js';
import { EVENTS_PER_DEPLOYMENT } from './fixtures/agents.js';
import { REDIS, redisClient, testBackend, until } from './helpers.js';
import { kill, spawnWorker as spawnProcess, type WorkerProcess } from './workerProcess.js';

const DEPLOYMENTS = 200;

const backend = testBackend('fault');
const { prefix, schema } = backend;
const workers: WorkerProcess[] = [];
let sessions: PostgresSessionService;

function spawnWorker(id: string, concurrency: number): Promise<WorkerProcess> {
  return spawnProcess({ prefix, schema }, id, concurrency, workers);
}

beforeAll(async () => {
  sessions = await backend.open();
  await Promise.all([spawnWorker('w1', 10), spawnWorker('w2', 10), spawnWorker('w3', 10)]);
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map(kill));
  await backend.drop();
});

describe('cancellation across processes', () => {
  it('unsubscribing from a run stops the agent in the worker process that holds it', async () => {
    const runner = new RemoteRunner({
      connection: REDIS,
      prefix,
      appName: 'app',
      agent: 'hanging',
      pollMillis: 250,
    });
    const redis = await redisClient();
    try {
      const first = await firstValueFrom(
        runner.run({ userId: 'u1', sessionId: 'hang-1', newMessage: 'go', invocationId: 'hang-run' }),
      );
      expect(first.author).toBe('hanging');
      const holder = workers.find((w) => w.started.includes('hang-run'));
      expect(holder).toBeDefined();
      await until(
        async () => (await redis.get(`${prefix}:torn-down:hang-run`)) === '1',
        5000,
        'the teardown',
      );
    } finally {
      redis.disconnect();
      await runner.close();
    }
  });

  it('DistributedWorkload.stop stops a deployment in the worker process that holds it', async () => {
    const workload = new DistributedWorkload({ connection: REDIS, prefix });
    const redis = await redisClient();
    try {
      const id = await workload.deploy({ spec: 'hanging', deploymentId: 'hang-deploy' });
      await until(async () => (await workload.status(id)).status === 'running', 10_000, 'running');
      expect(await workload.stop(id)).toBe(true);
      expect(await workload.status(id)).toMatchObject({ phase: 'wait', status: 'stopped' });
      expect(await redis.get(`${prefix}:torn-down:hang-deploy-r1`)).toBe('1');
      await workload.cleanup(id);
    } finally {
      redis.disconnect();
      await workload.close();
    }
  });
});

describe('fault tolerance: three worker processes, one killed with SIGKILL', () => {
  it('200 deployments: each completes exactly once, each session holds each event once', async () => {
    const workload = new DistributedWorkload({ connection: REDIS, prefix });
    try {
      const ids = Array.from({ length: DEPLOYMENTS }, (_, i) => `job-${i + 1}`);
      await Promise.all(ids.map((deploymentId) => workload.deploy({ spec: 'job', deploymentId })));
      // halfway: kill the first worker while it holds jobs
      const victim = workers[0]!;
      await until(
        async () => (await workload.list()).filter((d) => d.status === 'completed').length >= DEPLOYMENTS / 2,
        60_000,
        'half of the deployments',
      );
      const heldAtKill = victim.started.length;
      await kill(victim);
      await until(
        async () => (await workload.list()).every((d) => d.status === 'completed'),
        90_000,
        'every deployment to complete',
      );
      const list = await workload.list();
      expect(list).toHaveLength(DEPLOYMENTS);
      expect(list.filter((d) => d.status !== 'completed')).toEqual([]);
      // exactly once: one completion each, whatever the takeovers
      expect(list.filter((d) => d.completions !== 1)).toEqual([]);
      // the kill interrupted someone: jobs it held were picked up again elsewhere
      expect(heldAtKill).toBeGreaterThan(0);
      const takenOver = list.filter((d) => d.pickups > 1);
      expect(takenOver.length).toBeGreaterThan(0);
      expect(takenOver.every((d) => d.worker !== 'w1')).toBe(true);

      // the durable log: every session has exactly the events of one clean run, each once
      for (const id of ids) {
        const session = await firstValueFrom(
          sessions.getSession({ appName: 'workloads', userId: 'workload', sessionId: id }),
        );
        const events = session?.events ?? [];
        const eventIds = events.map((e) => e.id);
        expect(new Set(eventIds).size, id).toBe(eventIds.length);
        expect(eventIds, id).toEqual(
          Array.from({ length: EVENTS_PER_DEPLOYMENT }, (_, i) => `${id}-r1-e${i + 1}`),
        );
        expect(session?.state.get('deployment:status'), id).toBe('completed');
        expect(events.filter((e) => e.actions.stateDelta['deployment:status'] === 'completed')).toHaveLength(
          1,
        );
      }

      const queue = new Queue('rxagents', { connection: REDIS, prefix });
      try {
        const states = await Promise.all(ids.map((id) => queue.getJobState(`${id}-r1`)));
        expect(states.filter((state) => state !== 'completed')).toEqual([]);
        expect(await queue.getJobCounts('failed', 'active', 'wait')).toEqual({
          failed: 0,
          active: 0,
          wait: 0,
        });
      } finally {
        await queue.close();
      }
    } finally {
      await workload.close();
    }
  }, 120_000);

  it('a run whose worker is killed resumes elsewhere; the caller gets every event once', async () => {
    const runner = new RemoteRunner({
      connection: REDIS,
      prefix,
      appName: 'app',
      agent: 'slow',
      pollMillis: 250,
    });
    try {
      const received: Event[] = [];
      const done = new Promise<void>((resolvePromise, reject) =>
        runner
          .run({ userId: 'u1', sessionId: 'slow-1', newMessage: 'go', invocationId: 'slow-inv' })
          .subscribe({ next: (e) => received.push(e), error: reject, complete: resolvePromise }),
      );
      await until(() => received.length >= 3, 20_000, 'three steps');
      const holder = workers.find((w) => w.started.includes('slow-inv') && w.child.exitCode === null);
      expect(holder).toBeDefined();
      await kill(holder!);
      await done;
      expect(received.map((e) => e.author)).toEqual(Array.from({ length: 10 }, (_, i) => `step${i + 1}`));
      expect(new Set(received.map((e) => e.id)).size).toBe(10);
      // someone else resumed it
      expect(workers.some((w) => w !== holder && w.started.includes('slow-inv'))).toBe(true);
      const session = await firstValueFrom(
        sessions.getSession({ appName: 'app', userId: 'u1', sessionId: 'slow-1' }),
      );
      expect(session?.events.map((e) => e.id)).toEqual(
        Array.from({ length: 11 }, (_, i) => `slow-inv-e${i + 1}`),
      );
    } finally {
      await runner.close();
    }
  }, 60_000);
});
