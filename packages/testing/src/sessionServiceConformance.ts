// Stays one file: it is the whole contract of a SessionService, read top to bottom by whoever
// writes a store, as a list of specs (sessions, events and state, scoped state, the append rule,
// a Runner end to end) over one set of fixtures; split, the contract would be read in pieces and
// the fixtures passed around.
import {
  agent,
  type Event,
  InvalidStateError,
  Runner,
  SequentialAgent,
  type Session,
  SessionConflictError,
  SessionExistsError,
  type SessionKey,
  type SessionService,
  type StateDelta,
  text,
} from '@rxagents/core';
import { firstValueFrom, lastValueFrom, of, throwError, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** A session service for one conformance test, and how to clean up after it. */
export interface SessionServiceUnderTest {
  readonly service: SessionService;
  /** Runs after the test (close pools, drop the test's schema). */
  readonly dispose?: () => Promise<void>;
}

/**
 * Registers the behaviour every {@link SessionService} shares with `InMemorySessionService` as
 * vitest `describe`/`it` blocks: create/get/list/delete, event order and state, shared `app:` /
 * `user:` state, `temp:` keys, time travel, the append rule that makes `Runner.run({ resume: true
 * })` safe, a Runner run end to end, and invalid state. `makeService` runs before every test, so
 * each test starts from an empty store.
 *
 * Imports `vitest`: call it at the top level of a test file.
 *
 * @example
 * ```ts
 * import { InMemorySessionService } from '@rxagents/core';
 * import { sessionServiceConformance } from '@rxagents/testing/session-service';
 *
 * sessionServiceConformance('InMemorySessionService', () => ({ service: new InMemorySessionService() }));
 * ```
 */
export function sessionServiceConformance(
  name: string,
  makeService: () => SessionServiceUnderTest | Promise<SessionServiceUnderTest>,
): void {
  describe(`SessionService conformance: ${name}`, () => {
    let current: SessionServiceUnderTest | undefined;
    beforeEach(async () => {
      current = await makeService();
    });
    afterEach(async () => {
      const done = current;
      current = undefined;
      await done?.dispose?.();
    });
    const service = (): SessionService => {
      if (current === undefined)
        throw new Error('sessionServiceConformance: no service (makeService failed?)');
      return current.service;
    };
    const get = async (key: SessionKey): Promise<Session> => {
      const session = await firstValueFrom(service().getSession(key));
      if (session === undefined) throw new Error(`session '${key.sessionId}' not found`);
      return session;
    };
    const append = (session: Session, event: Event): Promise<Event> =>
      lastValueFrom(service().appendEvent(session, event));
    const create = (sessionId: string, state: Record<string, unknown> = {}, userId = 'u1', appName = 'app') =>
      firstValueFrom(service().createSession({ appName, userId, sessionId, state }));
    const key = (sessionId: string, userId = 'u1', appName = 'app'): SessionKey => ({
      appName,
      userId,
      sessionId,
    });

    describe('sessions', () => {
      it('creates, gets, lists and deletes sessions', async () => {
        const made = await firstValueFrom(
          service().createSession({
            appName: 'app',
            userId: 'u1',
            state: { topic: 'fox', n: [1, { a: true }] },
          }),
        );
        expect(typeof made.id).toBe('string');
        expect(made.id.length).toBeGreaterThan(0);
        expect(made.appName).toBe('app');
        expect(made.userId).toBe('u1');
        expect(made.state.snapshot()).toEqual({ topic: 'fox', n: [1, { a: true }] });
        expect(made.events).toEqual([]);
        await create('named');
        await create('other', {}, 'u2');
        await create('elsewhere', {}, 'u1', 'app2');

        const fetched = await get(key(made.id));
        expect(fetched.id).toBe(made.id);
        expect(fetched.state.snapshot()).toEqual({ topic: 'fox', n: [1, { a: true }] });

        const listed = await firstValueFrom(service().listSessions({ appName: 'app', userId: 'u1' }));
        expect(listed.map((s) => s.sessionId).sort()).toEqual([made.id, 'named'].sort());
        for (const summary of listed) {
          expect(summary).toMatchObject({ appName: 'app', userId: 'u1', eventCount: 0, lastUpdateTime: 0 });
        }

        await firstValueFrom(service().deleteSession(key(made.id)), { defaultValue: undefined });
        expect(await firstValueFrom(service().getSession(key(made.id)))).toBeUndefined();
        const after = await firstValueFrom(service().listSessions({ appName: 'app', userId: 'u1' }));
        expect(after.map((s) => s.sessionId)).toEqual(['named']);
        // the other user's and the other app's sessions are untouched
        expect((await get(key('other', 'u2'))).id).toBe('other');
        expect((await get(key('elsewhere', 'u1', 'app2'))).id).toBe('elsewhere');
      });

      it('answers undefined for a session that does not exist, and deleting one is not an error', async () => {
        expect(await firstValueFrom(service().getSession(key('nope')))).toBeUndefined();
        await expect(
          lastValueFrom(service().deleteSession(key('nope')), { defaultValue: undefined }),
        ).resolves.toBeUndefined();
        expect(await firstValueFrom(service().listSessions({ appName: 'app', userId: 'u1' }))).toEqual([]);
      });

      it('refuses a second session with the same id and keeps the first', async () => {
        await create('x', { v: 1 });
        await expect(create('x', { v: 2 })).rejects.toBeInstanceOf(SessionExistsError);
        expect((await get(key('x'))).state.snapshot()).toEqual({ v: 1 });
        // the same id for another user or app is another session
        await expect(create('x', {}, 'u2')).resolves.toMatchObject({ id: 'x', userId: 'u2' });
        await expect(create('x', {}, 'u1', 'app2')).resolves.toMatchObject({ id: 'x', appName: 'app2' });
      });

      it('generates distinct ids when none is given', async () => {
        const ids = new Set<string>();
        for (let i = 0; i < 5; i++) {
          ids.add((await firstValueFrom(service().createSession({ appName: 'app', userId: 'u1' }))).id);
        }
        expect(ids.size).toBe(5);
        const listed = await firstValueFrom(service().listSessions({ appName: 'app', userId: 'u1' }));
        expect(new Set(listed.map((s) => s.sessionId))).toEqual(ids);
      });

      it('creating a session with invalid state is an InvalidStateError and creates nothing', async () => {
        await expect(create('bad', { 'app:': 1 })).rejects.toBeInstanceOf(InvalidStateError);
        await expect(create('bad2', { f: () => 1 })).rejects.toBeInstanceOf(InvalidStateError);
        expect(await firstValueFrom(service().getSession(key('bad')))).toBeUndefined();
        expect(await firstValueFrom(service().getSession(key('bad2')))).toBeUndefined();
      });
    });

    describe('events and state', () => {
      it('appends events in order; a fresh getSession holds them and the state they made', async () => {
        const session = await create('s', { topic: 'fox' });
        const e1 = makeEvent('e1', { draft: 'v1' }, { timestamp: 10, content: text('first', 'model') });
        const e2 = makeEvent('e2', {}, { timestamp: 20, turnComplete: true, finishReason: 'stop' });
        const e3 = makeEvent('e3', { draft: 'v2', tags: ['a', 'b'] }, { timestamp: 30 });
        expect(await append(session, e1)).toBe(e1);
        // committed in memory at once: visible to the next step before it is durable
        expect(session.state.get('draft')).toBe('v1');
        await append(session, e2);
        await append(session, e3);
        expect(session.events.map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);

        const fresh = await get(key('s'));
        expect(fresh.events.map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);
        expect(plain(fresh.events)).toEqual(plain([e1, e2, e3]));
        expect(fresh.state.snapshot()).toEqual({ topic: 'fox', draft: 'v2', tags: ['a', 'b'] });
        expect(fresh.lastUpdateTime).toBe(30);
        const [summary] = await firstValueFrom(service().listSessions({ appName: 'app', userId: 'u1' }));
        expect(summary).toMatchObject({ sessionId: 's', eventCount: 3, lastUpdateTime: 30 });
      });

      it('appends subscribed back to back are stored in subscription order; a read after them sees them', async () => {
        const session = await create('s');
        const events = [1, 2, 3, 4, 5].map((i) => makeEvent(`e${i}`, { [`k${i}`]: i, last: i }));
        // every append subscribed at once, none awaited
        const writes = events.map((e) => lastValueFrom(service().appendEvent(session, e)));
        const read = firstValueFrom(service().getSession(key('s')));
        expect(await Promise.all(writes)).toEqual(events);
        const fresh = await read;
        expect(fresh?.events.map((e) => e.id)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
        expect(fresh?.state.snapshot()).toEqual({ k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, last: 5 });
      });

      it('appending the same event object twice stores it once', async () => {
        const session = await create('s');
        const e1 = makeEvent('e1', { n: 1 });
        await append(session, e1);
        await append(session, e1);
        expect((await get(key('s'))).events.map((e) => e.id)).toEqual(['e1']);
      });

      it('never stores partial events', async () => {
        const session = await create('s');
        const chunk = makeEvent('p1', {}, { partial: true, content: text('chu', 'model') });
        expect(await append(session, chunk)).toBe(chunk);
        await append(session, makeEvent('e1', { done: true }));
        const fresh = await get(key('s'));
        expect(fresh.events.map((e) => e.id)).toEqual(['e1']);
        expect(fresh.events.some((e) => e.partial === true)).toBe(false);
      });

      it('an invalid state key is an InvalidStateError and loses nothing already committed', async () => {
        const session = await create('s', { keep: 1 });
        await append(session, makeEvent('e1', { draft: 'v1' }));
        await expect(
          append(session, makeEvent('bad', { 'user:': 'x', draft: 'lost' })),
        ).rejects.toBeInstanceOf(InvalidStateError);
        expect(session.state.snapshot()).toEqual({ keep: 1, draft: 'v1' });
        await append(session, makeEvent('e2', { more: true }));
        const fresh = await get(key('s'));
        expect(fresh.events.map((e) => e.id)).toEqual(['e1', 'e2']);
        expect(fresh.state.snapshot()).toEqual({ keep: 1, draft: 'v1', more: true });
      });

      it('time travel: a fetched session answers stateAt for every event', async () => {
        const session = await create('s', { n: 0 });
        await append(session, makeEvent('e1', { n: 1, a: 'x' }));
        await append(session, makeEvent('e2', {}));
        await append(session, makeEvent('e3', { n: 3, b: { deep: [1] } }));
        const fresh = await get(key('s'));
        expect(fresh.stateAt(-1)).toEqual({ n: 0 });
        expect(fresh.stateAt(0)).toEqual({ n: 1, a: 'x' });
        expect(fresh.stateAt(1)).toEqual({ n: 1, a: 'x' });
        expect(fresh.stateAt(2)).toEqual({ n: 3, a: 'x', b: { deep: [1] } });
        expect(() => fresh.stateAt(3)).toThrow(RangeError);
        // and a prefix of it is the session as it was
        const before = fresh.prefix(1);
        expect(before.events.map((e) => e.id)).toEqual(['e1']);
        expect(before.state.snapshot()).toEqual({ n: 1, a: 'x' });
      });
    });

    describe('scoped state', () => {
      it('shares app: keys across the app and user: keys across the user', async () => {
        const a = await create('a', { 'user:lang': 'en' });
        await append(a, makeEvent('e1', { 'app:motd': 'hello', 'user:name': 'Ada', own: true }));

        expect((await get(key('a'))).state.snapshot()).toEqual({
          'app:motd': 'hello',
          'user:name': 'Ada',
          'user:lang': 'en',
          own: true,
        });
        const sibling = await create('b');
        expect(sibling.state.snapshot()).toEqual({
          'app:motd': 'hello',
          'user:name': 'Ada',
          'user:lang': 'en',
        });
        const stranger = await create('c', {}, 'u2');
        expect(stranger.state.snapshot()).toEqual({ 'app:motd': 'hello' });
        const otherApp = await create('d', {}, 'u1', 'other');
        expect(otherApp.state.snapshot()).toEqual({});

        // a later write from one session reaches an existing session when it is fetched again
        await append(stranger, makeEvent('e2', { 'app:motd': 'bye', 'user:name': 'Bob' }));
        expect((await get(key('a'))).state.snapshot()).toMatchObject({
          'app:motd': 'bye',
          'user:name': 'Ada',
        });
        expect((await get(key('b'))).state.snapshot()).toMatchObject({
          'app:motd': 'bye',
          'user:name': 'Ada',
        });
        expect((await get(key('c', 'u2'))).state.snapshot()).toEqual({
          'app:motd': 'bye',
          'user:name': 'Bob',
        });
        expect((await get(key('d', 'u1', 'other'))).state.snapshot()).toEqual({});
      });

      it('temp: keys live for the invocation only: a getSession mid-run keeps them, a new session never has them', async () => {
        const made = await create('s', { 'temp:given': 1, kept: 2 });
        expect(made.state.snapshot()).toEqual({ kept: 2 });
        const session = await get(key('s'));
        await append(session, makeEvent('e1', { 'temp:scratch': 'x', own: true }));
        // visible to the rest of the invocation, also after someone (a polling UI) reads the session
        expect(session.state.get('temp:scratch')).toBe('x');
        const fresh = await get(key('s'));
        expect(session.state.get('temp:scratch')).toBe('x');
        const durable = Object.entries(fresh.state.snapshot()).filter(([k]) => !k.startsWith('temp:'));
        expect(Object.fromEntries(durable)).toEqual({ kept: 2, own: true });
        expect(fresh.events.map((e) => e.id)).toEqual(['e1']);
        const sibling = await create('t');
        expect(sibling.state.snapshot()).toEqual({});
      });

      it('temp: keys are gone once a Runner invocation has ended', async () => {
        const writer = agent('writer', (ctx) =>
          of(ctx.newEvent({ actions: { stateDelta: { 'temp:scratch': 'x', own: 1 } } })),
        );
        const runner = new Runner({ appName: 'app', agent: writer, sessionService: service() });
        await lastValueFrom(runner.run({ userId: 'u1', sessionId: 'r', newMessage: 'go' }).pipe(toArray()));
        expect((await get(key('r'))).state.snapshot()).toEqual({ own: 1 });
      });
    });

    describe('the append rule (optimistic check, resumed attempts)', () => {
      it('the same event (id, author, state changes) at a stored position is a no-op', async () => {
        const session = await create('s');
        await append(session, makeEvent('e1', { n: 1, tags: { zeta: 1, alpha: [1, 2] } }));
        await append(session, makeEvent('e2', { n: 2 }));

        const retry = (await get(key('s'))).prefix(0);
        // a re-run produces new objects with the same ids and the same state changes (key order
        // is not part of a state change)
        await expect(
          append(retry, makeEvent('e1', { tags: { alpha: [1, 2], zeta: 1 }, n: 1 })),
        ).resolves.toMatchObject({ id: 'e1' });
        await append(retry, makeEvent('e2', { n: 2 }));
        await append(retry, makeEvent('e3', { n: 3 }));
        const fresh = await get(key('s'));
        expect(fresh.events.map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);
        expect(fresh.state.snapshot()).toEqual({ n: 3, tags: { zeta: 1, alpha: [1, 2] } });
        expect(fresh.stateAt(1)).toEqual({ n: 2, tags: { zeta: 1, alpha: [1, 2] } });
      });

      it('a re-run that diverges (same id, other state changes) is a SessionConflictError; the log keeps the stored event', async () => {
        const session = await create('s');
        await append(session, makeEvent('e1', { n: 1 }));
        const retry = (await get(key('s'))).prefix(0);
        const error = await append(retry, makeEvent('e1', { n: 10 })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SessionConflictError);
        expect(error).toMatchObject({ code: 'SESSION_CONFLICT', sessionId: 's', position: 0 });
        expect((error as Error).message).toContain('diverged');
        const fresh = await get(key('s'));
        expect(fresh.events.map((e) => e.id)).toEqual(['e1']);
        expect(fresh.state.snapshot()).toEqual({ n: 1 });
      });

      it('another event id at a stored position is a SessionConflictError naming the position', async () => {
        const session = await create('s');
        await append(session, makeEvent('e1', { n: 1 }));
        const stale = (await get(key('s'))).prefix(0);
        const error = await append(stale, makeEvent('x1', { n: 99 })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SessionConflictError);
        expect(error).toMatchObject({ code: 'SESSION_CONFLICT', sessionId: 's', position: 0 });
        const fresh = await get(key('s'));
        expect(fresh.events.map((e) => e.id)).toEqual(['e1']);
        expect(fresh.state.snapshot()).toEqual({ n: 1 });
      });

      it('two copies of one session appending different next events: the second conflicts', async () => {
        await create('s');
        const first = (await get(key('s'))).prefix(0);
        const second = (await get(key('s'))).prefix(0);
        await append(first, makeEvent('a1', { who: 'first' }));
        await expect(append(second, makeEvent('b1', { who: 'second' }))).rejects.toBeInstanceOf(
          SessionConflictError,
        );
        const fresh = await get(key('s'));
        expect(fresh.events.map((e) => e.id)).toEqual(['a1']);
        expect(fresh.state.snapshot()).toEqual({ who: 'first' });
      });

      it('a gap (a position beyond the end of the log) is a SessionConflictError', async () => {
        const session = await create('s');
        await append(session, makeEvent('e1', {}));
        const ahead = (await get(key('s'))).prefix(1);
        ahead.commit(makeEvent('e2', { skipped: true }));
        const error = await append(ahead, makeEvent('e3', { n: 3 })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SessionConflictError);
        expect(error).toMatchObject({ position: 2 });
        const fresh = await get(key('s'));
        expect(fresh.events.map((e) => e.id)).toEqual(['e1']);
        expect(fresh.state.snapshot()).toEqual({});
      });
    });

    describe('with a Runner', () => {
      it('runs a flow end to end: events in order, ids from the invocation, state in the store', async () => {
        const flow = new SequentialAgent({
          name: 'flow',
          subAgents: [
            agent('writer', (ctx) =>
              of(ctx.newEvent({ content: text('draft', 'model'), actions: { stateDelta: { draft: 'v1' } } })),
            ),
            agent('critic', (ctx) =>
              of(
                ctx.newEvent({
                  content: text(`about ${String(ctx.state.get('draft'))}`, 'model'),
                  actions: { stateDelta: { critique: `${String(ctx.state.get('draft'))} is fine` } },
                }),
              ),
            ),
          ],
        });
        const runner = new Runner({ appName: 'app', agent: flow, sessionService: service() });
        const request = { userId: 'u1', sessionId: 'r', newMessage: 'go', invocationId: 'inv-1' };
        const events = await lastValueFrom(runner.run(request).pipe(toArray()));
        expect(events.map((e) => [e.author, e.id])).toEqual([
          ['writer', 'inv-1-e2'],
          ['critic', 'inv-1-e3'],
        ]);
        const stored = await get(key('r'));
        expect(stored.events.map((e) => [e.author, e.branch, e.id])).toEqual([
          ['user', '', 'inv-1-e1'],
          ['writer', 'flow.writer', 'inv-1-e2'],
          ['critic', 'flow.critic', 'inv-1-e3'],
        ]);
        expect(stored.events[0]?.content).toEqual({ role: 'user', parts: [{ text: 'go' }] });
        expect(stored.state.snapshot()).toEqual({ draft: 'v1', critique: 'v1 is fine' });

        // a second turn continues the same session
        await lastValueFrom(runner.run({ userId: 'u1', sessionId: 'r', newMessage: 'again' }));
        const after = await get(key('r'));
        expect(after.events).toHaveLength(6);
        expect(after.stateAt(2)).toEqual({ draft: 'v1', critique: 'v1 is fine' });
      });

      it('resume after a crash re-runs on the state before the attempt and appends each event once', async () => {
        const attempts = { n: 0 };
        const flow = new SequentialAgent({
          name: 'flow',
          subAgents: [
            agent('a', (ctx) => of(ctx.newEvent({ actions: { stateDelta: { a: 1 } } }))),
            agent('count', (ctx) =>
              of(
                ctx.newEvent({ actions: { stateDelta: { count: Number(ctx.state.get('count') ?? 0) + 1 } } }),
              ),
            ),
            agent('crash', (ctx) =>
              ++attempts.n === 1 ? throwError(() => new Error('worker died')) : of(ctx.newEvent({})),
            ),
            agent('b', (ctx) => of(ctx.newEvent({ content: text('done', 'model') }))),
          ],
        });
        const runner = new Runner({ appName: 'app', agent: flow, sessionService: service() });
        const request = { userId: 'u1', sessionId: 'job', newMessage: 'go', invocationId: 'job-1' };
        await expect(lastValueFrom(runner.run(request))).rejects.toThrow('worker died');
        // The user's event is durable before the agent starts. Of the agent's events, a store with
        // I/O may hold fewer: the Runner stops appending when the agent fails.
        const crashed = (await get(key('job'))).events.map((e) => e.id);
        expect(crashed[0]).toBe('job-1-e1');
        expect(['job-1-e1', 'job-1-e2', 'job-1-e3'].slice(0, crashed.length)).toEqual(crashed);

        const events = await lastValueFrom(runner.run({ ...request, resume: true }).pipe(toArray()));
        expect(events.map((e) => e.author)).toEqual(['a', 'count', 'crash', 'b']);
        const session = await get(key('job'));
        expect(session.events.map((e) => e.id)).toEqual([
          'job-1-e1',
          'job-1-e2',
          'job-1-e3',
          'job-1-e4',
          'job-1-e5',
        ]);
        // the counter ran twice but counted from the state before the attempt
        expect(session.state.snapshot()).toEqual({ a: 1, count: 1 });
      });
    });
  });
}

let clock = 0;

// A hand-made committed event, as ctx.newEvent would stamp it.
function makeEvent(
  id: string,
  stateDelta: StateDelta,
  extra: Partial<Omit<Event, 'id' | 'actions'>> = {},
): Event {
  return {
    id,
    invocationId: 'inv',
    author: 'tester',
    branch: 'tester',
    timestamp: ++clock,
    ...extra,
    actions: { stateDelta },
  };
}

// Events as plain data, without undefined fields, for comparing stored with produced.
function plain(events: readonly Event[]): unknown {
  return JSON.parse(JSON.stringify(events));
}
