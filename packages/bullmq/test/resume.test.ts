// Human in the loop across processes: a run and a deployment pause on one worker process, which
// is then killed; another worker process resumes them from the durable log in PostgreSQL.
import {
  type Event,
  InvalidAnswerError,
  RequestAlreadyAnsweredError,
  UnknownRequestError,
} from '@rxagents/core';
import type { PostgresSessionService } from '@rxagents/postgres';
import { DeploymentNotWaitingError } from '@rxagents/workloads';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DistributedWorkload } from '../src/DistributedWorkload.js';
import { RemoteRunner } from '../src/RemoteRunner.js';
import { REDIS, testBackend, until } from './helpers.js';
import { kill, spawnWorker, type WorkerProcess } from './workerProcess.js';

const backend = testBackend('resume');
const { prefix, schema } = backend;
const workers: WorkerProcess[] = [];
let sessions: PostgresSessionService;
let runner: RemoteRunner;
let workload: DistributedWorkload;

const key = { appName: 'app', userId: 'u1', sessionId: 'approve-1' };
const storedEvents = async (): Promise<readonly Event[]> =>
  (await firstValueFrom(sessions.getSession(key)))?.events ?? [];

beforeAll(async () => {
  sessions = await backend.open();
  runner = new RemoteRunner({
    connection: REDIS,
    prefix,
    appName: 'app',
    agent: 'approval',
    pollMillis: 250,
  });
  workload = new DistributedWorkload({ connection: REDIS, prefix, stopTimeoutMillis: 20_000 });
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map(kill));
  await runner?.close();
  await workload?.close();
  await backend.drop();
});

describe('human in the loop on BullMQ workers', () => {
  it('a run and a deployment paused on one worker process are resumed by another', async () => {
    const first = await spawnWorker({ prefix, schema }, 'first', 2, workers);

    // The run pauses: its stream completes, the request last.
    const paused = await lastValueFrom(
      runner.run({ ...key, newMessage: 'write', invocationId: 'approve-run' }).pipe(toArray()),
    );
    expect(paused.map((e) => e.author)).toEqual(['drafter', 'approver']);
    const request = paused.at(-1)!.actions.requestInput!;
    expect(request).toMatchObject({ kind: 'input', payload: { prompt: 'Publish the draft?' } });
    expect(first.started).toContain('approve-run');

    // The deployment pauses in its review phase: waiting, with the request.
    const id = await workload.deploy({ spec: 'reviewed', deploymentId: 'review-1' });
    await until(async () => (await workload.status(id)).status === 'waiting', 20_000, 'waiting');
    const waiting = await workload.status(id);
    expect(waiting).toMatchObject({ phase: 'review', status: 'waiting' });
    expect(waiting.requests).toHaveLength(1);
    expect(waiting.requests![0]).toMatchObject({ author: 'reviewer', kind: 'input' });
    const listed = (await workload.list()).find((d) => d.id === id)!;
    expect(listed).toMatchObject({ status: 'waiting', requests: waiting.requests, worker: 'first' });
    expect((await workload.logs(id)).some((l) => l.includes("Waiting for input in phase 'review'"))).toBe(
      true,
    );

    await kill(first);
    const second = await spawnWorker({ prefix, schema }, 'second', 2, workers);
    const before = await storedEvents();

    // Resume errors cross the wire as their classes, nothing committed.
    const bad = await lastValueFrom(
      runner.run({ ...key, resume: { [request.id]: { approved: 'yes' } } }),
    ).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InvalidAnswerError);
    expect((bad as InvalidAnswerError).requestId).toBe(request.id);
    const unknown = await lastValueFrom(runner.run({ ...key, resume: { nope: true } })).catch(
      (e: unknown) => e,
    );
    expect(unknown).toBeInstanceOf(UnknownRequestError);
    expect((await storedEvents()).map((e) => e.id)).toEqual(before.map((e) => e.id));

    const resumed = await lastValueFrom(
      runner
        .run({ ...key, resume: { [request.id]: { approved: true } }, invocationId: 'approve-answer' })
        .pipe(toArray()),
    );
    expect(second.started).toContain('approve-answer');
    expect(resumed.map((e) => e.author)).toEqual(['user', 'approver']);
    expect(resumed[0]!.actions.inputAnswers).toEqual({ [request.id]: { approved: true } });
    const after = await storedEvents();
    expect(after.filter((e) => e.author === 'drafter')).toHaveLength(1);
    expect(after.filter((e) => e.actions.requestInput !== undefined)).toHaveLength(1);
    expect(after.at(-1)!.actions.stateDelta).toEqual({ approved: true });
    const again = await lastValueFrom(
      runner.run({ ...key, resume: { [request.id]: { approved: false } } }),
    ).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(RequestAlreadyAnsweredError);

    // The deployment: a bad answer is refused by the worker and it still waits; then answered.
    const requestId = waiting.requests![0]!.id;
    const refused = await workload.respond(id, requestId, { approved: 1 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidAnswerError);
    expect(await workload.status(id)).toMatchObject({ status: 'waiting', requests: waiting.requests });
    await expect(workload.respond(id, 'nope', true)).rejects.toBeInstanceOf(UnknownRequestError);
    await workload.respond(id, requestId, { approved: true });
    await until(async () => (await workload.status(id)).status === 'completed', 20_000, 'completed');
    expect(await workload.status(id)).toEqual(
      expect.objectContaining({ phase: 'review', status: 'completed' }),
    );
    expect((await workload.list()).find((d) => d.id === id)).toMatchObject({
      worker: 'second',
      completions: 1,
    });
    await expect(workload.respond(id, requestId, { approved: true })).rejects.toBeInstanceOf(
      DeploymentNotWaitingError,
    );
    const log = await firstValueFrom(
      sessions.getSession({ appName: 'workloads', userId: 'workload', sessionId: id }),
    );
    expect(log!.events.filter((e) => e.author === 'writer')).toHaveLength(1);
    expect(log!.events.filter((e) => e.actions.requestInput !== undefined)).toHaveLength(1);
  }, 90_000);
});
