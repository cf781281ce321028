import { lastValueFrom, map, Observable, of, throwError, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { say, storedSession, storeOver } from '../test/helpers.js';
import type { Event } from './Event.js';
import { InvalidRequestError, SessionConflictError, SessionStoreError } from './errors.js';
import { agent } from './FunctionAgent.js';
import { InMemorySessionService } from './InMemorySessionService.js';
import { Runner } from './Runner.js';
import { SequentialAgent } from './SequentialAgent.js';
import type { Session } from './Session.js';
import type { SessionService } from './SessionService.js';

const key = { appName: 'app', userId: 'u1', sessionId: 's1' };
const request = { userId: 'u1', sessionId: 's1', newMessage: 'go', invocationId: 'job-1' };

const stored = (service: SessionService): Promise<Session> => storedSession(service, key);

// A flow whose third step "crashes the worker" on the first attempt only.
/** The first `n` event ids of invocation `job-1`. */
const jobIds = (n: number) => Array.from({ length: n }, (_, i) => `job-1-e${i + 1}`);

function flakyFlow(attempts: { n: number }) {
  const counter = agent('count', (ctx) =>
    of(ctx.newEvent({ actions: { stateDelta: { count: Number(ctx.state.get('count') ?? 0) + 1 } } })),
  );
  const crash = agent('crash', (ctx) =>
    ++attempts.n === 1 ? throwError(() => new Error('worker died')) : of(ctx.newEvent({})),
  );
  return new SequentialAgent({
    name: 'flow',
    subAgents: [say('a', { stateDelta: { a: 1 } }), counter, crash, say('b')],
  });
}

describe('Runner: invocation ids and resume', () => {
  it('derives event ids from the invocation id, so a re-run produces the same ids', async () => {
    const runner = new Runner({ appName: 'app', agent: say('a') });
    const events = await lastValueFrom(runner.run(request).pipe(toArray()));
    expect(events.map((e) => [e.invocationId, e.id])).toEqual([['job-1', 'job-1-e2']]);
    expect((await stored(runner.sessionService)).events[0]?.id).toBe('job-1-e1');
  });

  it('resume re-runs on the state before the attempt and appends each event once', async () => {
    const service = new InMemorySessionService();
    const attempts = { n: 0 };
    const runner = new Runner({ appName: 'app', agent: flakyFlow(attempts), sessionService: service });
    await expect(lastValueFrom(runner.run(request))).rejects.toThrow('worker died');
    const partial = (await stored(service)).events.map((e) => e.id);
    // The in-memory store appends synchronously: every event before the crash is in the log.
    expect(partial).toEqual(jobIds(3));

    const resumed = await lastValueFrom(runner.run({ ...request, resume: true }).pipe(toArray()));
    const session = await stored(service);
    expect({ authors: resumed.map((e) => e.author), ids: session.events.map((e) => e.id) }).toEqual({
      authors: ['a', 'count', 'crash', 'b'],
      ids: jobIds(5),
    });
    // the counter ran twice but counted from the state before the attempt: its write is not doubled
    expect(session.state.snapshot()).toEqual({ a: 1, count: 1 });
  });

  it('without resume a second run with the same invocation id conflicts instead of duplicating', async () => {
    const service = new InMemorySessionService();
    const runner = new Runner({ appName: 'app', agent: flakyFlow({ n: 0 }), sessionService: service });
    await expect(lastValueFrom(runner.run(request))).rejects.toThrow('worker died');
    const session = await stored(service);
    const resumed = session.prefix(0);
    resumed.commit({
      id: 'other',
      invocationId: 'x',
      author: 'a',
      branch: 'a',
      timestamp: 0,
      actions: { stateDelta: {} },
    });
    const appending = service.appendEvent(resumed, resumed.events[0]!);
    await expect(lastValueFrom(appending)).rejects.toBeInstanceOf(SessionConflictError);
    expect(session.events).toHaveLength(3);
  });

  it('resume without an invocation id is a typed error naming the agent', async () => {
    const runner = new Runner({ appName: 'app', agent: say('a') });
    const error = await lastValueFrom(runner.run({ userId: 'u1', sessionId: 's1', resume: true })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', agent: 'a', field: 'resume' });
  });

  it('a failed append fails the run with a SessionStoreError and nothing after it is appended', async () => {
    const inner = new InMemorySessionService();
    const appended: string[] = [];
    const failing = storeOver(inner, {
      appendEvent: (_session, event) =>
        event.author === 'b'
          ? throwError(() => new Error('disk full'))
          : new Observable<Event>((s) => {
              appended.push(event.author);
              s.next(event);
              s.complete();
            }),
    });
    const flow = new SequentialAgent({ name: 'flow', subAgents: [say('a'), say('b'), say('c')] });
    const runner = new Runner({ appName: 'app', agent: flow, sessionService: failing });
    const seen: string[] = [];
    const error = await new Promise<unknown>((resolve) =>
      runner.run(request).subscribe({ next: (e) => seen.push(e.author), error: resolve }),
    );
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(error).toMatchObject({ code: 'SESSION_STORE_FAILED', agent: 'b', sessionId: 's1' });
    expect((error as Error).message).toContain('disk full');
    expect(seen).toEqual(['a']);
    expect(appended).toEqual(['user', 'a']);
  });

  it("an agent's failure waits for the appends already queued: committed events become durable first", async () => {
    const inner = new InMemorySessionService();
    const stored: string[] = [];
    // An asynchronous store: every append completes on a later macrotask.
    const slow = storeOver(inner, {
      appendEvent: (session, event) =>
        new Observable<Event>((s) => {
          session.commit(event);
          const handle = setTimeout(() => {
            stored.push(event.author);
            s.next(event);
            s.complete();
          }, 1);
          return () => clearTimeout(handle);
        }),
    });
    const boom = agent('boom', () => throwError(() => new Error('model down')));
    const flow = new SequentialAgent({ name: 'flow', subAgents: [say('a'), say('b'), boom] });
    const runner = new Runner({ appName: 'app', agent: flow, sessionService: slow });
    await expect(lastValueFrom(runner.run(request))).rejects.toThrow('model down');
    expect(stored).toEqual(['user', 'a', 'b']);
  });

  it('uses the session another process created between its get and its create', async () => {
    const inner = new InMemorySessionService();
    let raced = false;
    const racing = storeOver(inner, {
      // The first lookup misses; by the time we create, another worker already has.
      getSession: (r) =>
        raced
          ? inner.getSession(r)
          : inner.createSession({ ...r, state: { by: 'other' } }).pipe(
              map(() => {
                raced = true;
                return undefined;
              }),
            ),
    });
    const runner = new Runner({ appName: 'app', agent: say('a'), sessionService: racing });
    const events = await lastValueFrom(runner.run(request).pipe(toArray()));
    expect(events.map((e) => e.author)).toEqual(['a']);
    const session = await stored(inner);
    expect(session.state.snapshot()).toEqual({ by: 'other' });
    expect(session.events.map((e) => e.author)).toEqual(['user', 'a']);
  });
});
