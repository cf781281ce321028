// Stays one file: it is the contract of RemoteRunner + startWorker end to end (streaming, cancel,
// worker death and hand-over, concurrency, typed errors, lost backends), and every case shares one
// fixture (a Redis prefix, its workers and runners, closed after each test) and one real Redis and
// PostgreSQL; split by concern, each part would repeat that fixture. Multi-process faults live in
// test/fault.test.ts, resume in test/resume.test.ts, error classes across the wire in
// test/wireErrors.test.ts.
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import {
  agent,
  BackendUnavailableError,
  type Event,
  InMemorySessionService,
  InvalidRequestError,
  InvalidStateError,
  SequentialAgent,
  type SessionService,
  text,
} from '@rxagents/core';
import { PostgresSessionService } from '@rxagents/postgres';
import { Queue } from 'bullmq';
import { concat, finalize, firstValueFrom, lastValueFrom, map, NEVER, of, take, timer, toArray } from 'rxjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../../../test/support/expectError.js';
import {
  dropPrefix,
  dropSchema,
  ensureServices,
  postgresUrl,
  REDIS,
  redisClient,
  uniquePrefix,
  uniqueSchema,
  until,
} from '../test/helpers.js';
import { DistributedWorkload } from './DistributedWorkload.js';
import { RemoteRunError } from './errors.js';
import { RemoteRunner } from './RemoteRunner.js';
import { startWorker, type WorkerHandle, type WorkerOptions } from './startWorker.js';

const say = (name: string, delay = 5, delta: Record<string, number> = {}) =>
  agent(name, (ctx) =>
    timer(delay).pipe(
      map(() => ctx.newEvent({ content: text(`${name} says hi`), actions: { stateDelta: delta } })),
    ),
  );

// Hangs in sessions named hang-*, else says one thing and ends.
const maybe = () =>
  agent('maybe', (ctx) =>
    ctx.session.id.startsWith('hang')
      ? concat(of(ctx.newEvent({ content: text('started') })), NEVER)
      : of(ctx.newEvent({ content: text('done') })),
  );

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// A prefix, workers and runners that are closed (and keys dropped) after the test.
function fixture(name: string) {
  const prefix = uniquePrefix(name);
  cleanups.push(() => dropPrefix(prefix));
  const location = { connection: REDIS, prefix };
  return {
    prefix,
    location,
    async worker(options: Omit<WorkerOptions, 'connection' | 'prefix'>): Promise<WorkerHandle> {
      const handle = await startWorker({ ...location, ...options });
      cleanups.push(() => handle.close({ force: true }));
      return handle;
    },
    runner(agentName: string): RemoteRunner {
      const runner = new RemoteRunner({ ...location, appName: 'app', agent: agentName, pollMillis: 200 });
      cleanups.push(() => runner.close());
      return runner;
    },
  };
}

async function events(service: SessionService, sessionId: string): Promise<readonly Event[]> {
  const session = await firstValueFrom(service.getSession({ appName: 'app', userId: 'u1', sessionId }));
  return session?.events ?? [];
}

beforeAll(() => ensureServices());

// The queue depths the runner reports, polled every 25 ms until the test's cleanup.
function depthsOf(runner: RemoteRunner): number[] {
  const depths: number[] = [];
  const depth = runner.queueDepth({ intervalMillis: 25 }).subscribe((n) => depths.push(n));
  cleanups.push(async () => depth.unsubscribe());
  return depths;
}

describe('RemoteRunner + startWorker', () => {
  it('streams every event of the run in order, and the session ends in PostgreSQL', async () => {
    const f = fixture('stream');
    const schema = uniqueSchema('stream');
    const sessions = new PostgresSessionService({ connectionString: postgresUrl(), schema });
    cleanups.push(async () => {
      await sessions.close();
      await dropSchema(schema);
    });
    const flow = new SequentialAgent({
      name: 'flow',
      subAgents: [say('a', 5, { a: 1 }), say('b', 5, { b: 2 }), say('c', 5)],
    });
    await f.worker({ sessionService: sessions, agents: { flow } });
    const runner = f.runner('flow');
    const received = await lastValueFrom(
      runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go', invocationId: 'inv-1' }).pipe(toArray()),
    );
    expect(received.map((e) => [e.id, e.author])).toEqual([
      ['inv-1-e2', 'a'],
      ['inv-1-e3', 'b'],
      ['inv-1-e4', 'c'],
    ]);
    // a fresh service instance reads it back from the database, not from a cache
    const reader = new PostgresSessionService({ connectionString: postgresUrl(), schema });
    cleanups.push(() => reader.close());
    const stored = await events(reader, 's1');
    expect(stored.map((e) => [e.id, e.author])).toEqual([
      ['inv-1-e1', 'user'],
      ['inv-1-e2', 'a'],
      ['inv-1-e3', 'b'],
      ['inv-1-e4', 'c'],
    ]);
    const session = await firstValueFrom(
      reader.getSession({ appName: 'app', userId: 'u1', sessionId: 's1' }),
    );
    expect(session?.state.snapshot()).toEqual({ a: 1, b: 2 });
  });

  it('a PostgreSQL that cannot be reached fails the run with BackendUnavailableError, not a hang', async () => {
    const f = fixture('pg-down');
    const sessions = new PostgresSessionService({
      connectionString: 'postgres://postgres@127.0.0.1:1/postgres',
      schema: uniqueSchema('down'),
      connectTimeoutMillis: 1000,
    });
    cleanups.push(() => sessions.close());
    await f.worker({ sessionService: sessions, agents: { a: say('a') } });
    const started = Date.now();
    const error = await lastValueFrom(
      f.runner('a').run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }),
    ).catch((e: unknown) => e);
    expectError(error, BackendUnavailableError, { code: 'BACKEND_UNAVAILABLE', backend: 'postgres' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('unsubscribing stops the agent on the worker (its teardown runs there)', async () => {
    const f = fixture('cancel');
    const redis = await redisClient();
    cleanups.push(async () => redis.disconnect());
    const tornDown = `${f.prefix}:torn-down`;
    // emits once, then waits forever: the finalize runs only when the worker unsubscribes it
    const hanging = agent('hanging', (ctx) =>
      concat(of(ctx.newEvent({ content: text('started') })), NEVER).pipe(
        finalize(() => {
          void redis.set(tornDown, '1');
        }),
      ),
    );
    await f.worker({ sessionService: new InMemorySessionService(), agents: { hanging } });
    const runner = f.runner('hanging');
    const first = await firstValueFrom(
      runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }).pipe(take(1)),
    );
    expect(textOfEvent(first)).toBe('started');
    await until(async () => (await redis.get(tornDown)) === '1', 5000, 'the agent teardown on the worker');
  });

  it('unsubscribing before any worker picked the job up takes it off the queue', async () => {
    const f = fixture('cancel-queued');
    const runner = f.runner('flow');
    const depths = depthsOf(runner);
    const subscription = runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }).subscribe();
    await until(() => depths.at(-1) === 1, 5000, 'the job to be queued');
    subscription.unsubscribe();
    await until(() => depths.at(-1) === 0, 5000, 'the job to leave the queue');
    const ran: string[] = [];
    const flow = agent('flow', (ctx) => {
      ran.push('flow');
      return of(ctx.newEvent({}));
    });
    const worker = await f.worker({ sessionService: new InMemorySessionService(), agents: { flow } });
    await new Promise((r) => setTimeout(r, 300));
    expect(worker.running).toBe(0);
    expect(ran).toEqual([]);
  });

  it('a run cancelled while no worker held it (its worker died) does not start on the worker that takes it over', async () => {
    const f = fixture('cancel-takeover');
    const sessions = new InMemorySessionService();
    const ran: string[] = [];
    const hanging = agent('hanging', (ctx) => {
      ran.push(ctx.invocationId);
      return concat(of(ctx.newEvent({ content: text('started') })), NEVER);
    });
    const takeover = { lockDurationMillis: 600, stalledIntervalMillis: 300 } as const;
    const first = await f.worker({ sessionService: sessions, agents: { hanging }, ...takeover });
    const subscription = f
      .runner('hanging')
      .run({ userId: 'u1', sessionId: 's1', newMessage: 'go', invocationId: 'inv-t' })
      .subscribe();
    await until(() => ran.length === 1, 5000, 'the first worker to start the run');
    // The worker dies holding the job (still locked, so the cancellation cannot take it off the
    // queue) and nobody hears the cancellation: only the mark on the job is left to stop it.
    await first.close({ force: true });
    subscription.unsubscribe();
    const queue = new Queue('rxagents', { connection: REDIS, prefix: f.prefix });
    cleanups.push(() => queue.close());
    await until(async () => (await queue.getJob('inv-t'))?.data.cancelled === true, 5000, 'the mark');
    expect(await queue.getJobState('inv-t')).toBe('active');
    const second = await f.worker({ sessionService: sessions, agents: { hanging }, ...takeover });
    const activity: string[] = [];
    second.activity$.subscribe((a) => activity.push(a.type === 'started' ? `started ${a.resumed}` : a.type));
    await until(() => activity.includes('cancelled'), 5000, 'the second worker to take the job over');
    expect(activity).toEqual(['started true', 'cancelled']);
    expect(ran).toEqual(['inv-t']);
    expect(second.running).toBe(0);
    // 'cancelled' is reported from inside the processor; BullMQ moves the job to completed only
    // after the processor returns, so wait for that rather than read the state at once.
    await until(async () => (await queue.getJobState('inv-t')) === 'completed', 5000, 'the job to complete');
  });

  it('aborting the signal cancels like unsubscribing', async () => {
    const f = fixture('signal');
    const started: string[] = [];
    const stopped: string[] = [];
    const hanging = agent('hanging', (ctx) =>
      concat(of(ctx.newEvent({ content: text('started') })), NEVER).pipe(
        finalize(() => stopped.push(ctx.invocationId)),
      ),
    );
    const worker = await f.worker({ sessionService: new InMemorySessionService(), agents: { hanging } });
    const controller = new AbortController();
    const received: Event[] = [];
    const done = new Promise<void>((resolve, reject) =>
      f
        .runner('hanging')
        .run({ userId: 'u1', sessionId: 's1', invocationId: 'inv-abort', signal: controller.signal })
        .subscribe({
          next: (e) => {
            received.push(e);
            started.push(e.invocationId);
            controller.abort();
          },
          error: reject,
          complete: resolve,
        }),
    );
    await done;
    await until(() => stopped.length === 1, 5000, 'the worker to stop the run');
    expect(stopped).toEqual(['inv-abort']);
    expect(received).toHaveLength(1);
    await until(() => worker.running === 0, 5000, 'the job to end');
  });

  it('a worker that dies mid-run: another resumes from the durable log, the caller sees each event once', async () => {
    const f = fixture('resume');
    const sessions = new InMemorySessionService();
    const ran: string[] = [];
    let crashed = false;
    const step = (name: string) =>
      agent(name, (ctx) => {
        ran.push(name);
        return timer(5).pipe(
          map(() => ctx.newEvent({ content: text(name), actions: { stateDelta: { [name]: true } } })),
        );
      });
    // On the first attempt the gate hangs (the worker "dies" there); on the second it passes.
    const gate = agent('gate', (ctx) => {
      ran.push('gate');
      if (!crashed) return NEVER;
      return of(ctx.newEvent({ content: text('gate') }));
    });
    const flow = new SequentialAgent({ name: 'flow', subAgents: [step('a'), step('b'), gate, step('c')] });
    // Workers that take a dead worker's job over quickly.
    const takeover = (workerId: string) =>
      f.worker({
        sessionService: sessions,
        agents: { flow },
        workerId,
        lockDurationMillis: 600,
        stalledIntervalMillis: 300,
        concurrency: 1,
      });
    const first = await takeover('first');
    const received: Event[] = [];
    const done = new Promise<void>((resolve, reject) =>
      f
        .runner('flow')
        .run({ userId: 'u1', sessionId: 's1', newMessage: 'go', invocationId: 'inv-r' })
        .subscribe({ next: (e) => received.push(e), error: reject, complete: resolve }),
    );
    await until(() => ran.includes('gate'), 5000, 'the first attempt to reach the gate');
    await until(() => received.length === 2, 5000, 'a and b to arrive');
    await first.close({ force: true });
    crashed = true;
    const second = await takeover('second');
    const resumed: boolean[] = [];
    second.activity$.subscribe((a) => {
      if (a.type === 'started') resumed.push(a.resumed);
    });
    await done;
    expect(resumed).toEqual([true]);
    // every event reached the caller once, in order
    expect(received.map((e) => [e.id, e.author])).toEqual([
      ['inv-r-e2', 'a'],
      ['inv-r-e3', 'b'],
      ['inv-r-e4', 'gate'],
      ['inv-r-e5', 'c'],
    ]);
    // the log holds each event once; the state is what one clean run would leave
    const stored = await events(sessions, 's1');
    expect(stored.map((e) => e.id)).toEqual(['inv-r-e1', 'inv-r-e2', 'inv-r-e3', 'inv-r-e4', 'inv-r-e5']);
    // what is re-run: the whole invocation from its start (a and b ran twice), not the log
    expect(ran).toEqual(['a', 'b', 'gate', 'a', 'b', 'gate', 'c']);
  });

  it('close waits for running jobs, and after its grace period hands the rest over', async () => {
    const f = fixture('close');
    const sessions = new InMemorySessionService();
    let hang = true;
    const stopped: string[] = [];
    const task = agent('task', (ctx) =>
      (hang
        ? concat(of(ctx.newEvent({ content: text('hanging') })), NEVER)
        : timer(100).pipe(map(() => ctx.newEvent({ content: text('done') })))
      ).pipe(finalize(() => stopped.push(hang ? 'hanging' : 'quick'))),
    );
    const takeover = { lockDurationMillis: 600, stalledIntervalMillis: 300 } as const;
    // a quick job: close() waits for it
    hang = false;
    const first = await f.worker({ sessionService: sessions, agents: { task }, ...takeover });
    const quick = lastValueFrom(
      f.runner('task').run({ userId: 'u1', sessionId: 'q', newMessage: 'go' }).pipe(toArray()),
    );
    await until(() => first.running === 1, 5000, 'the quick job to start');
    await first.close({ graceMillis: 5000 });
    expect((await quick).map((e) => textOfEvent(e))).toEqual(['done']);
    // a hanging job: close() gives up after the grace period and another worker resumes it
    hang = true;
    const second = await f.worker({ sessionService: sessions, agents: { task }, ...takeover });
    const received: Event[] = [];
    const done = new Promise<void>((resolve, reject) =>
      f
        .runner('task')
        .run({ userId: 'u1', sessionId: 'h', newMessage: 'go', invocationId: 'inv-h' })
        .subscribe({ next: (e) => received.push(e), error: reject, complete: resolve }),
    );
    await until(() => received.length === 1, 5000, 'the hanging job to start');
    const closing = Date.now();
    await second.close({ graceMillis: 150 });
    expect(Date.now() - closing).toBeLessThan(2000);
    expect(stopped).toEqual(['quick', 'hanging']);
    hang = false;
    const third = await f.worker({ sessionService: sessions, agents: { task }, ...takeover });
    const resumed: boolean[] = [];
    third.activity$.subscribe((a) => a.type === 'started' && resumed.push(a.resumed));
    await done;
    expect(resumed).toEqual([true]);
    // This agent is not deterministic: the resumed attempt's event has the same id at the same
    // position, so the log keeps the first attempt's version and the caller drops the new one.
    expect(received.map((e) => [e.id, textOfEvent(e)])).toEqual([['inv-h-e2', 'hanging']]);
  });

  it('reports the queue depth and runs at most `concurrency` jobs per worker', async () => {
    const f = fixture('limits');
    const runner = f.runner('slow');
    const depths = depthsOf(runner);
    // The empty queue is read before anything is enqueued (the runs enqueue at once now).
    await until(() => depths.length > 0, 5000, 'the first depth');
    const runs = [1, 2, 3, 4, 5].map((i) =>
      lastValueFrom(runner.run({ userId: 'u1', sessionId: `s${i}`, newMessage: 'go' }).pipe(toArray())),
    );
    await until(() => depths.at(-1) === 5, 5000, 'five queued jobs');
    let now = 0;
    let most = 0;
    const slow = agent('slow', (ctx) => {
      most = Math.max(most, ++now);
      return timer(150).pipe(
        map(() => ctx.newEvent({ content: text('done') })),
        finalize(() => now--),
      );
    });
    await f.worker({ sessionService: new InMemorySessionService(), agents: { slow }, concurrency: 2 });
    const results = await Promise.all(runs);
    expect(results.map((r) => r.length)).toEqual([1, 1, 1, 1, 1]);
    expect(most).toBe(2);
    await until(() => depths.at(-1) === 0, 5000, 'an empty queue');
    expect(depths[0]).toBe(0);
    expect(Math.max(...depths)).toBe(5);
  });

  it('forwards failures as typed errors (class, code, agent, field) or RemoteRunError', async () => {
    const f = fixture('errors');
    const typed = agent('typed', () => {
      throw new InvalidStateError('typed', 'k', 'k.x', 'not JSON');
    });
    const plain = agent('plain', () => {
      throw new TypeError('boom');
    });
    await f.worker({ sessionService: new InMemorySessionService(), agents: { typed, plain } });
    const failure = (name: string) =>
      lastValueFrom(f.runner(name).run({ userId: 'u1', sessionId: name, newMessage: 'go' })).catch(
        (e: unknown) => e,
      );
    const a = await failure('typed');
    expectError(a, InvalidStateError, { code: 'INVALID_STATE', agent: 'typed', field: 'k.x', key: 'k' });
    const b = await failure('plain');
    expectError(b, RemoteRunError, {
      remoteName: 'TypeError',
      message: 'boom',
      code: 'REMOTE_RUN_FAILED',
      name: 'RemoteRunError',
    });
    const c = await failure('missing');
    expectError(c, InvalidRequestError, { agent: 'missing', field: 'agent' });
    expect((c as Error).message).toContain("no worker of queue 'rxagents' hosts an agent named 'missing'");
    // announced by a worker that has gone since: the job reaches one that does not host it
    const gone = await startWorker({
      ...f.location,
      sessionService: new InMemorySessionService(),
      agents: { ghost: typed },
    });
    await gone.close();
    const d = await failure('ghost');
    expect(d).toBeInstanceOf(InvalidRequestError);
    expect((d as Error).message).toContain('(it hosts: typed, plain)');
  });

  it('runs share one reader connection; a cancelled run leaves no blocked read; close closes it', async () => {
    const f = fixture('reader');
    const redis = await redisClient();
    cleanups.push(async () => redis.disconnect());
    const worker = await f.worker({
      sessionService: new InMemorySessionService(),
      agents: { maybe: maybe() },
      concurrency: 4,
    });
    // A poll far longer than the test: a run must not wait for the blocked read to time out.
    const runner = new RemoteRunner({ ...f.location, appName: 'app', agent: 'maybe', pollMillis: 600_000 });
    cleanups.push(() => runner.close());
    const readers = async () =>
      String(await redis.client('LIST'))
        .split('\n')
        .filter((line) => line.includes(` name=${f.prefix}:rxagents:rx:reader `));
    const started: Event[] = [];
    const subscriptions = [1, 2, 3].map((i) =>
      runner
        .run({ userId: 'u1', sessionId: `hang-${i}`, newMessage: 'go' })
        .subscribe((e) => started.push(e)),
    );
    await until(() => started.length === 3, 5000, 'three runs to start');
    // one blocked XREAD for the three of them
    await until(
      async () => (await readers()).some((line) => /flags=\S*b/.test(line)),
      5000,
      'a blocked read',
    );
    expect(await readers()).toHaveLength(1);
    // a run that starts while that read is blocked is read at once
    const quick = await lastValueFrom(
      runner.run({ userId: 'u1', sessionId: 'quick', newMessage: 'go' }).pipe(toArray()),
    );
    expect(quick.map((e) => textOfEvent(e))).toEqual(['done']);
    for (const subscription of subscriptions) subscription.unsubscribe();
    await until(() => worker.running === 0, 5000, 'the worker to stop the cancelled runs');
    await until(
      async () => (await readers()).every((line) => !/flags=\S*b/.test(line)),
      5000,
      'no blocked read left',
    );
    // still open for the next run, until the runner closes
    expect(await readers()).toHaveLength(1);
    await runner.close();
    await until(async () => (await readers()).length === 0, 5000, 'the reader connection to close');
  });

  it('a run whose stream key is not a stream fails alone; the runs sharing its reader go on', async () => {
    const f = fixture('clobbered');
    const redis = await redisClient();
    cleanups.push(async () => redis.disconnect());
    await f.worker({
      sessionService: new InMemorySessionService(),
      agents: { maybe: maybe() },
      concurrency: 4,
    });
    const runner = f.runner('maybe');
    const outcomes: Record<string, unknown> = {};
    const started: string[] = [];
    for (const id of ['inv-a', 'inv-b']) {
      runner.run({ userId: 'u1', sessionId: `hang-${id}`, newMessage: 'go', invocationId: id }).subscribe({
        next: () => started.push(id),
        error: (e: unknown) => {
          outcomes[id] = e;
        },
        complete: () => {
          outcomes[id] = 'completed';
        },
      });
    }
    await until(() => started.length === 2, 5000, 'both runs to start');
    // someone else's value under inv-a's stream key: reading it fails with WRONGTYPE
    const key = `${f.prefix}:rxagents:rx:events:inv-a`;
    await redis.del(key);
    await redis.set(key, 'not a stream');
    const quick = await lastValueFrom(
      runner.run({ userId: 'u1', sessionId: 'quick', newMessage: 'go' }).pipe(toArray()),
    );
    expect(quick.map((e) => textOfEvent(e))).toEqual(['done']);
    await until(() => outcomes['inv-a'] !== undefined, 5000, 'inv-a to fail');
    expect(outcomes['inv-a']).toBeInstanceOf(BackendUnavailableError);
    expect((outcomes['inv-a'] as Error).message).toContain('WRONGTYPE');
    expect(outcomes['inv-b']).toBeUndefined();
  });

  it('a job that fails without ending its event stream errors the run with JobLost', async () => {
    const f = fixture('lost-job');
    const hanging = agent('hanging', (ctx) => concat(of(ctx.newEvent({ content: text('started') })), NEVER));
    const takeover = { lockDurationMillis: 600, stalledIntervalMillis: 300 } as const;
    const sessions = new InMemorySessionService();
    const first = await f.worker({ sessionService: sessions, agents: { hanging }, ...takeover });
    const received: Event[] = [];
    const failed = new Promise<unknown>((resolve) =>
      f
        .runner('hanging')
        .run({ userId: 'u1', sessionId: 's1', newMessage: 'go', invocationId: 'inv-lost' })
        .subscribe({ next: (e) => received.push(e), error: resolve, complete: () => resolve('completed') }),
    );
    await until(() => received.length === 1, 5000, 'the first event');
    await first.close({ force: true });
    // a worker that allows no takeover fails the stalled job: nobody writes its end marker
    await f.worker({ sessionService: sessions, agents: { hanging }, ...takeover, maxStalledCount: 0 });
    const error = await failed;
    expect(error).toBeInstanceOf(RemoteRunError);
    expect(error).toMatchObject({ remoteName: 'JobLost' });
    expect((error as Error).message).toContain(
      "invocation 'inv-lost': job failed without ending its event stream",
    );
  });

  it('Redis lost mid-run: the caller gets BackendUnavailableError, not a hang', async () => {
    const f = fixture('lost');
    const hanging = agent('hanging', (ctx) => concat(of(ctx.newEvent({ content: text('started') })), NEVER));
    await f.worker({ sessionService: new InMemorySessionService(), agents: { hanging } });
    // the caller reaches Redis through a proxy we can pull the plug on
    const sockets = new Set<Socket>();
    const proxy = createServer((client) => {
      const upstream = connect(REDIS.port, REDIS.host);
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as AddressInfo).port;
    const runner = new RemoteRunner({
      connection: { host: '127.0.0.1', port },
      prefix: f.prefix,
      appName: 'app',
      agent: 'hanging',
      connectTimeoutMillis: 1000,
    });
    cleanups.push(() => runner.close());
    const received: Event[] = [];
    const failed = new Promise<unknown>((resolve) =>
      runner
        .run({ userId: 'u1', sessionId: 's1', newMessage: 'go' })
        .subscribe({ next: (e) => received.push(e), error: resolve, complete: () => resolve('completed') }),
    );
    await until(() => received.length === 1, 5000, 'the first event');
    const cut = Date.now();
    proxy.close();
    for (const socket of sockets) socket.destroy();
    const error = await failed;
    expectError(error, BackendUnavailableError, { backend: 'redis' });
    expect(Date.now() - cut).toBeLessThan(5000);
  });

  it('fails fast with BackendUnavailableError when Redis is unreachable', async () => {
    const nowhere = {
      connection: { host: '127.0.0.1', port: 1 },
      prefix: uniquePrefix('down'),
      connectTimeoutMillis: 1000,
    };
    const started = Date.now();
    const runner = new RemoteRunner({ ...nowhere, appName: 'app', agent: 'flow' });
    const error = await lastValueFrom(runner.run({ userId: 'u1', sessionId: 's1' })).catch((e: unknown) => e);
    expectError(error, BackendUnavailableError, { code: 'BACKEND_UNAVAILABLE', backend: 'redis' });
    const depth = await firstValueFrom(runner.queueDepth()).catch((e: unknown) => e);
    expect(depth).toBeInstanceOf(BackendUnavailableError);
    const worker = await startWorker({ ...nowhere, sessionService: new InMemorySessionService() }).catch(
      (e: unknown) => e,
    );
    expect(worker).toBeInstanceOf(BackendUnavailableError);
    const workload = new DistributedWorkload(nowhere);
    await expect(workload.deploy({ spec: 'site' })).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(workload.list()).rejects.toMatchObject({ backend: 'redis' });
    await workload.close();
    expect(Date.now() - started).toBeLessThan(5000);
    await runner.close();
  });
});

function textOfEvent(event: Event): string {
  const part = event.content?.parts[0];
  return part !== undefined && 'text' in part ? part.text : '';
}
