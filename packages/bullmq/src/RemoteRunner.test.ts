import {
  agent,
  BackendUnavailableError,
  type Event,
  InMemorySessionService,
  InvalidAgentConfigError,
  InvalidStateError,
  SequentialAgent,
  type SessionService,
  text,
} from '@rxagents/core';
import { concat, finalize, firstValueFrom, lastValueFrom, map, NEVER, of, take, timer, toArray } from 'rxjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, ensureServices, REDIS, redisClient, uniquePrefix, until } from '../test/helpers.js';
import { RemoteRunError } from './errors.js';
import { RemoteRunner } from './RemoteRunner.js';
import { startWorker, type WorkerHandle, type WorkerOptions } from './startWorker.js';

const say = (name: string, delay = 5, delta: Record<string, number> = {}) =>
  agent(name, (ctx) =>
    timer(delay).pipe(
      map(() => ctx.newEvent({ content: text(`${name} says hi`), actions: { stateDelta: delta } })),
    ),
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

describe('RemoteRunner + startWorker', () => {
  it('streams every event of the run in order, and the session holds them', async () => {
    const f = fixture('stream');
    const sessions = new InMemorySessionService();
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
    const stored = await events(sessions, 's1');
    expect(stored.map((e) => e.id)).toEqual(['inv-1-e1', 'inv-1-e2', 'inv-1-e3', 'inv-1-e4']);
    expect(stored[0]?.author).toBe('user');
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
});

function textOfEvent(event: Event): string {
  const part = event.content?.parts[0];
  return part !== undefined && 'text' in part ? part.text : '';
}
