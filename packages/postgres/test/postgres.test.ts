import { createServer, type Server } from 'node:net';
import {
  agent,
  BackendUnavailableError,
  type Event,
  Runner,
  SequentialAgent,
  type Session,
  SessionConflictError,
  type SessionKey,
  SessionNotFoundError,
  SessionStoreError,
  type StateDelta,
  text,
} from '@rxagents/core';
import type pg from 'pg';
import { firstValueFrom, lastValueFrom, of, tap, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSessionService } from '../src/index.js';
import { adminPool, databaseUrl, dropSchema, uniqueSchema } from './db.js';

let admin: pg.Pool;
let url: string;
const schemas: string[] = [];
const services: PostgresSessionService[] = [];

beforeAll(async () => {
  url = await databaseUrl();
  admin = await adminPool();
});
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
  for (const schema of schemas.splice(0)) await dropSchema(admin, schema);
});
afterAll(async () => {
  await admin.end();
});

function newSchema(): string {
  const schema = uniqueSchema('pg');
  schemas.push(schema);
  return schema;
}

function open(schema: string, options: { connectTimeoutMillis?: number } = {}): PostgresSessionService {
  const service = new PostgresSessionService({ connectionString: url, schema, ...options });
  services.push(service);
  return service;
}

const key = (sessionId: string): SessionKey => ({ appName: 'app', userId: 'u1', sessionId });

let clock = 0;
function makeEvent(id: string, stateDelta: StateDelta, author = 'tester'): Event {
  return { id, invocationId: 'inv', author, branch: author, timestamp: ++clock, actions: { stateDelta } };
}

async function get(service: PostgresSessionService, sessionId: string): Promise<Session> {
  const session = await firstValueFrom(service.getSession(key(sessionId)));
  if (session === undefined) throw new Error(`no session ${sessionId}`);
  return session;
}

async function tables(schema: string): Promise<string[]> {
  const { rows } = await admin.query<{ table_name: string }>(
    'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
    [schema],
  );
  return rows.map((r) => r.table_name);
}

describe('PostgresSessionService: migration', () => {
  it('runs lazily on first use and is idempotent, also when two services migrate at once', async () => {
    const schema = newSchema();
    const service = open(schema);
    expect(await tables(schema)).toEqual([]);
    expect(await firstValueFrom(service.getSession(key('none')))).toBeUndefined();
    expect(await tables(schema)).toEqual([
      'app_state',
      'events',
      'rxagents_migrations',
      'sessions',
      'user_state',
    ]);

    await firstValueFrom(service.createSession({ appName: 'app', userId: 'u1', sessionId: 's' }));
    const other = open(schema);
    await Promise.all([
      lastValueFrom(service.migrate(), { defaultValue: undefined }),
      lastValueFrom(other.migrate(), { defaultValue: undefined }),
      lastValueFrom(open(schema).migrate(), { defaultValue: undefined }),
    ]);
    const { rows } = await admin.query(`SELECT version FROM "${schema}".rxagents_migrations`);
    expect(rows).toEqual([{ version: 1 }]);
    // migrating again kept the data
    expect((await get(other, 's')).id).toBe('s');
  });

  it('two services creating a fresh schema concurrently both succeed', async () => {
    const schema = newSchema();
    const results = await Promise.allSettled(
      [0, 1, 2, 3].map((i) =>
        firstValueFrom(open(schema).createSession({ appName: 'app', userId: 'u1', sessionId: `s${i}` })),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    const listed = await firstValueFrom(open(schema).listSessions({ appName: 'app', userId: 'u1' }));
    expect(listed.map((s) => s.sessionId).sort()).toEqual(['s0', 's1', 's2', 's3']);
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(
      () => new PostgresSessionService({ connectionString: url, schema: 'a"; DROP TABLE x; --' }),
    ).toThrow(RangeError);
  });
});

describe('PostgresSessionService: storage', () => {
  it('stores the log, the own state, and app:/user: state in their tables; temp: keys nowhere', async () => {
    const schema = newSchema();
    const service = open(schema);
    const session = await firstValueFrom(
      service.createSession({
        appName: 'app',
        userId: 'u1',
        sessionId: 's',
        state: { 'temp:given': 1, own: 0, 'app:a': 'x' },
      }),
    );
    await lastValueFrom(
      service.appendEvent(session, makeEvent('e1', { own: 1, 'temp:t': 'secret', 'user:u': 2 })),
    );
    await lastValueFrom(service.appendEvent(session, makeEvent('e2', { 'temp:only': 'secret' })));
    // in memory the temp: keys are there for the rest of the invocation
    expect(session.state.get('temp:t')).toBe('secret');
    expect(session.events[0]?.actions.stateDelta).toHaveProperty('temp:t');

    const s = await admin.query(`SELECT * FROM "${schema}".sessions`);
    expect(s.rows).toHaveLength(1);
    expect(s.rows[0]).toMatchObject({
      app_name: 'app',
      user_id: 'u1',
      session_id: 's',
      initial_state: { own: 0, 'app:a': 'x' },
      state: { own: 1 },
      event_count: 2,
    });
    const e = await admin.query(`SELECT seq, event_id, event FROM "${schema}".events ORDER BY seq`);
    expect(e.rows.map((r) => [r.seq, r.event_id])).toEqual([
      [0, 'e1'],
      [1, 'e2'],
    ]);
    expect(e.rows[0].event.actions.stateDelta).toEqual({ own: 1, 'user:u': 2 });
    expect(e.rows[1].event.actions.stateDelta).toEqual({});
    expect((await admin.query(`SELECT app_name, state FROM "${schema}".app_state`)).rows).toEqual([
      { app_name: 'app', state: { 'app:a': 'x' } },
    ]);
    expect((await admin.query(`SELECT user_id, state FROM "${schema}".user_state`)).rows).toEqual([
      { user_id: 'u1', state: { 'user:u': 2 } },
    ]);
    const everything = await admin.query(
      `SELECT (SELECT string_agg(s::text, '') FROM "${schema}".sessions s) || (SELECT string_agg(e::text, '') FROM "${schema}".events e) AS dump`,
    );
    expect(everything.rows[0].dump).toContain('e1');
    expect(everything.rows[0].dump).not.toContain('temp:');
    expect(everything.rows[0].dump).not.toContain('secret');
  });

  it('restored events are plain, deeply frozen JSON events', async () => {
    const service = open(newSchema());
    const session = await firstValueFrom(
      service.createSession({ appName: 'app', userId: 'u1', sessionId: 's' }),
    );
    const original: Event = {
      ...makeEvent('e1', { nested: { list: [1, { x: 'y' }] } }),
      content: { role: 'model', parts: [{ text: 'hi' }, { functionCall: { name: 'f', args: { q: 1 } } }] },
      usage: { inputTokens: 3, outputTokens: 4 },
      turnComplete: true,
    };
    await lastValueFrom(service.appendEvent(session, original));
    const [restored] = (await get(service, 's')).events;
    expect(restored).toEqual(JSON.parse(JSON.stringify(original)));
    expect(Object.getPrototypeOf(restored)).toBe(Object.prototype);
    expect(Object.isFrozen(restored)).toBe(true);
    expect(Object.isFrozen(restored?.content?.parts[1])).toBe(true);
    expect(Object.isFrozen(restored?.actions.stateDelta.nested)).toBe(true);
  });

  it('a malformed stored event is a SessionStoreError naming its position', async () => {
    const schema = newSchema();
    const service = open(schema);
    const session = await firstValueFrom(
      service.createSession({ appName: 'app', userId: 'u1', sessionId: 's' }),
    );
    await lastValueFrom(service.appendEvent(session, makeEvent('e1', {})));
    await lastValueFrom(service.appendEvent(session, makeEvent('e2', {})));
    await admin.query(`UPDATE "${schema}".events SET event = '{"id": 7, "actions": {}}' WHERE seq = 1`);
    const error = await firstValueFrom(service.getSession(key('s'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionStoreError);
    expect((error as Error).message).toContain('#1');
    await admin.query(
      `UPDATE "${schema}".events SET event = jsonb_set(event, '{actions,stateDelta}', '{"app:": 1}') WHERE seq = 0`,
    );
    await admin.query(`UPDATE "${schema}".events SET event = event WHERE seq = 1`);
    const replay = await firstValueFrom(service.getSession(key('s'))).catch((e: unknown) => e);
    expect(replay).toBeInstanceOf(SessionStoreError);
  });

  it('an event id already stored at another position is a SessionConflictError', async () => {
    const service = open(newSchema());
    const session = await firstValueFrom(
      service.createSession({ appName: 'app', userId: 'u1', sessionId: 's' }),
    );
    await lastValueFrom(service.appendEvent(session, makeEvent('e1', {})));
    const error = await lastValueFrom(service.appendEvent(session, makeEvent('e1', { n: 1 }))).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SessionConflictError);
    expect(error).toMatchObject({ position: 1 });
    expect((await get(service, 's')).events.map((e) => e.id)).toEqual(['e1']);
  });

  it('appending to a session deleted meanwhile is a SessionNotFoundError', async () => {
    const service = open(newSchema());
    const session = await firstValueFrom(
      service.createSession({ appName: 'app', userId: 'u1', sessionId: 's' }),
    );
    await lastValueFrom(service.deleteSession(key('s')), { defaultValue: undefined });
    await expect(lastValueFrom(service.appendEvent(session, makeEvent('e1', {})))).rejects.toBeInstanceOf(
      SessionNotFoundError,
    );
  });
});

describe('PostgresSessionService: concurrency', () => {
  it('two writers racing on one position: exactly one wins, the other gets SessionConflictError', async () => {
    const schema = newSchema();
    const a = open(schema);
    const b = open(schema);
    await firstValueFrom(a.createSession({ appName: 'app', userId: 'u1', sessionId: 's' }));
    for (let round = 0; round < 15; round++) {
      const [sa, sb] = await Promise.all([get(a, 's'), get(b, 's')]);
      const results = await Promise.allSettled([
        lastValueFrom(a.appendEvent(sa, makeEvent(`a${round}`, { last: `a${round}` }))),
        lastValueFrom(b.appendEvent(sb, makeEvent(`b${round}`, { last: `b${round}` }))),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(SessionConflictError);
      expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ position: round });
    }
    const fresh = await get(a, 's');
    expect(fresh.events).toHaveLength(15);
    // the stored state is the winner's of the last round
    expect(fresh.state.get('last')).toBe(fresh.events[14]?.id);
  });

  it('two writers appending whole runs: the loser stops at its first conflict, no interleaving', async () => {
    const schema = newSchema();
    const a = open(schema);
    const b = open(schema);
    await firstValueFrom(a.createSession({ appName: 'app', userId: 'u1', sessionId: 's' }));
    const [sa, sb] = await Promise.all([get(a, 's'), get(b, 's')]);
    const writer = async (service: PostgresSessionService, session: Session, name: string) => {
      for (let i = 0; i < 20; i++) {
        await lastValueFrom(service.appendEvent(session, makeEvent(`${name}${i}`, { [name]: i })));
      }
    };
    const results = await Promise.allSettled([writer(a, sa, 'a'), writer(b, sb, 'b')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(SessionConflictError);
    const fresh = await get(a, 's');
    const authors = new Set(fresh.events.map((e) => e.id[0]));
    expect(fresh.events).toHaveLength(20);
    expect(authors.size).toBe(1);
    const winner = [...authors][0]!;
    expect(fresh.state.snapshot()).toEqual({ [winner]: 19 });
    const { rows } = await admin.query(`SELECT seq FROM "${schema}".events ORDER BY seq`);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('unsubscribing from an append leaves no transaction open and the service usable', async () => {
    const schema = newSchema();
    const service = open(schema);
    const session = await firstValueFrom(
      service.createSession({ appName: 'app', userId: 'u1', sessionId: 's' }),
    );
    for (let i = 0; i < 5; i++) {
      service
        .appendEvent(session, makeEvent(`x${i}`, { i }))
        .subscribe()
        .unsubscribe();
    }
    // the statements already sent finish (or not) atomically; nothing is left half-done
    await new Promise((r) => setTimeout(r, 200));
    const idle = await admin.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' AND datname = current_database()`,
    );
    expect(idle.rows[0].n).toBe(0);
    const stored = await get(service, 's');
    expect(stored.events.map((e) => e.id)).toEqual(
      session.events.slice(0, stored.events.length).map((e) => e.id),
    );
    await lastValueFrom(service.appendEvent(stored, makeEvent('after', { done: true })));
    expect((await get(service, 's')).state.get('done')).toBe(true);
  });
});

describe('PostgresSessionService: with a Runner', () => {
  const flow = () =>
    new SequentialAgent({
      name: 'flow',
      subAgents: ['a', 'b', 'c'].map((name) =>
        agent(name, (ctx) =>
          of(ctx.newEvent({ content: text(name, 'model'), actions: { stateDelta: { [name]: true } } })),
        ),
      ),
    });

  it('a run completes only after every append is durable', async () => {
    const service = open(newSchema());
    const runner = new Runner({ appName: 'app', agent: flow(), sessionService: service });
    const events = await lastValueFrom(
      runner.run({ userId: 'u1', sessionId: 's', newMessage: 'go' }).pipe(toArray()),
    );
    expect(events.map((e) => e.author)).toEqual(['a', 'b', 'c']);
    const stored = await get(service, 's');
    expect(stored.events.map((e) => e.author)).toEqual(['user', 'a', 'b', 'c']);
    expect(stored.state.snapshot()).toEqual({ a: true, b: true, c: true });
  });

  it('commit rule: the next step sees a delta before it is durable; the run completes after every append', async () => {
    const schema = newSchema();
    const service = open(schema);
    await lastValueFrom(service.migrate(), { defaultValue: undefined });
    // every stored event takes 50 ms
    await admin.query(`
      CREATE FUNCTION "${schema}".slow() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(0.05); RETURN NEW; END $$;
      CREATE TRIGGER slow BEFORE INSERT ON "${schema}".events FOR EACH ROW EXECUTE FUNCTION "${schema}".slow();`);
    const log: string[] = [];
    const observed: typeof service = Object.create(service);
    observed.appendEvent = (session, event) =>
      service.appendEvent(session, event).pipe(tap((e) => log.push(`durable ${e.author}`)));
    const flow = new SequentialAgent({
      name: 'flow',
      subAgents: [
        agent('a', (ctx) => of(ctx.newEvent({ actions: { stateDelta: { x: 1 } } }))),
        agent('b', (ctx) => {
          log.push(`b sees x=${String(ctx.state.get('x'))}`);
          return of(ctx.newEvent({ actions: { stateDelta: { y: 2 } } }));
        }),
      ],
    });
    const runner = new Runner({ appName: 'app', agent: flow, sessionService: observed });
    await lastValueFrom(runner.run({ userId: 'u1', sessionId: 's', newMessage: 'go' }));
    log.push('run completed');
    // the user's event is durable before the agent starts; b ran while a's append was in flight
    expect(log).toEqual(['durable user', 'b sees x=1', 'durable a', 'durable b', 'run completed']);
    const { rows } = await admin.query(`SELECT event_count FROM "${schema}".sessions`);
    expect(rows).toEqual([{ event_count: 3 }]);
  });

  it('a failed append fails the run with SessionStoreError and nothing of its batch or after it is stored', async () => {
    const schema = newSchema();
    const service = open(schema);
    await lastValueFrom(service.migrate(), { defaultValue: undefined });
    await admin.query(`
      CREATE FUNCTION "${schema}".reject_b() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.event->>'author' = 'b' THEN RAISE EXCEPTION 'disk full'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER reject_b BEFORE INSERT ON "${schema}".events
        FOR EACH ROW EXECUTE FUNCTION "${schema}".reject_b();`);
    const runner = new Runner({ appName: 'app', agent: flow(), sessionService: service });
    const seen: string[] = [];
    const error = await new Promise<unknown>((resolve) =>
      runner.run({ userId: 'u1', sessionId: 's', newMessage: 'go' }).subscribe({
        next: (e) => seen.push(e.author),
        error: resolve,
        complete: () => resolve('completed'),
      }),
    );
    // a, b and c queued up behind the user's event and went out in one statement, which b's row
    // failed: the batch fails whole, named by its first event
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(error).toMatchObject({ code: 'SESSION_STORE_FAILED', agent: 'a', sessionId: 's' });
    expect((error as Error).message).toContain('storing events #1-#3 together: disk full');
    expect(seen).toEqual([]);
    const stored = await get(service, 's');
    expect(stored.events.map((e) => e.author)).toEqual(['user']);
    // the batch's state changes were not stored (one statement: rows and state together)
    expect(stored.state.snapshot()).toEqual({});
    const { rows } = await admin.query(`SELECT event_count FROM "${schema}".sessions`);
    expect(rows).toEqual([{ event_count: 1 }]);
  });

  it('unreachable server: BackendUnavailableError quickly, also through a Runner', async () => {
    const service = new PostgresSessionService({ connectionString: 'postgres://root@127.0.0.1:1/test' });
    services.push(service);
    const started = Date.now();
    const error = await firstValueFrom(service.getSession(key('s'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error).toMatchObject({ code: 'BACKEND_UNAVAILABLE', backend: 'postgres' });
    const runner = new Runner({ appName: 'app', agent: flow(), sessionService: service });
    await expect(
      lastValueFrom(runner.run({ userId: 'u1', sessionId: 's', newMessage: 'go' })),
    ).rejects.toBeInstanceOf(BackendUnavailableError);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('survives the server dropping its idle connections: the next call reconnects', async () => {
    const schema = newSchema();
    const app = `rxt_kill_${process.pid}_${Date.now()}`;
    const service = new PostgresSessionService({
      connectionString: `${url}${url.includes('?') ? '&' : '?'}application_name=${app}`,
      schema,
    });
    services.push(service);
    const session = await firstValueFrom(
      service.createSession({ appName: 'app', userId: 'u1', sessionId: 's' }),
    );
    const killed = await admin.query(
      'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1',
      [app],
    );
    expect(killed.rows[0].n).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 100));
    await lastValueFrom(service.appendEvent(session, makeEvent('e1', { alive: true })));
    expect((await get(service, 's')).state.snapshot()).toEqual({ alive: true });
  });

  it('a server that accepts but never answers: BackendUnavailableError after the connect timeout', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as { port: number }).port;
      const service = new PostgresSessionService({
        connectionString: `postgres://root@127.0.0.1:${port}/test`,
        connectTimeoutMillis: 300,
      });
      services.push(service);
      const started = Date.now();
      const error = await firstValueFrom(
        service.createSession({ appName: 'app', userId: 'u1', sessionId: 's' }),
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendUnavailableError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      silent.close();
    }
  });
});

describe('PostgresSessionService: time travel and restarts', () => {
  it('stateAt reads any past state from the log', async () => {
    const service = open(newSchema());
    const session = await firstValueFrom(
      service.createSession({ appName: 'app', userId: 'u1', sessionId: 's', state: { n: 0 } }),
    );
    await lastValueFrom(service.appendEvent(session, makeEvent('e1', { n: 1, draft: 'v1', 'temp:x': 1 })));
    await lastValueFrom(service.appendEvent(session, makeEvent('e2', { 'user:lang': 'en' })));
    await lastValueFrom(service.appendEvent(session, makeEvent('e3', { n: 3, obj: { deep: [1, 2] } })));
    const at = (i: number) => firstValueFrom(service.stateAt(key('s'), i));
    expect(await at(-1)).toEqual({ n: 0 });
    expect(await at(0)).toEqual({ n: 1, draft: 'v1' });
    expect(await at(1)).toEqual({ n: 1, draft: 'v1', 'user:lang': 'en' });
    expect(await at(2)).toEqual({ n: 3, draft: 'v1', 'user:lang': 'en', obj: { deep: [1, 2] } });
    expect(Object.isFrozen(await at(2))).toBe(true);
    // the same as the restored session's own time travel
    const fresh = await get(service, 's');
    for (let i = -1; i < 3; i++) expect(await at(i)).toEqual(fresh.stateAt(i));
    await expect(at(3)).rejects.toBeInstanceOf(RangeError);
    await expect(at(1.5)).rejects.toBeInstanceOf(RangeError);
    await expect(firstValueFrom(service.stateAt(key('missing'), 0))).rejects.toBeInstanceOf(
      SessionNotFoundError,
    );
  });

  it('a new service instance on the same schema (a restart) sees everything and carries on', async () => {
    const schema = newSchema();
    const before = new PostgresSessionService({ connectionString: url, schema });
    const runner1 = new Runner({
      appName: 'app',
      agent: agent('w', (ctx) =>
        of(
          ctx.newEvent({
            actions: { stateDelta: { turns: Number(ctx.state.get('turns') ?? 0) + 1, 'app:seen': true } },
          }),
        ),
      ),
      sessionService: before,
    });
    await lastValueFrom(runner1.run({ userId: 'u1', sessionId: 's', newMessage: 'one' }));
    await lastValueFrom(runner1.run({ userId: 'u1', sessionId: 's', newMessage: 'two' }));
    const snapshot = (await get(before, 's')).state.snapshot();
    const ids = (await get(before, 's')).events.map((e) => e.id);
    await before.close();

    const after = open(schema);
    const restored = await get(after, 's');
    expect(restored.events.map((e) => e.id)).toEqual(ids);
    expect(restored.state.snapshot()).toEqual(snapshot);
    expect(restored.state.snapshot()).toEqual({ turns: 2, 'app:seen': true });
    expect(await firstValueFrom(after.listSessions({ appName: 'app', userId: 'u1' }))).toMatchObject([
      { sessionId: 's', eventCount: 4 },
    ]);
    const runner2 = new Runner({ appName: 'app', agent: runner1.agent, sessionService: after });
    await lastValueFrom(runner2.run({ userId: 'u1', sessionId: 's', newMessage: 'three' }));
    expect((await get(after, 's')).state.get('turns')).toBe(3);
  });

  it('a given pool is used and left open by close()', async () => {
    const schema = newSchema();
    const service = new PostgresSessionService({ pool: admin, schema });
    await firstValueFrom(service.createSession({ appName: 'app', userId: 'u1', sessionId: 's' }));
    await service.close();
    const { rows } = await admin.query(`SELECT session_id FROM "${schema}".sessions`);
    expect(rows).toEqual([{ session_id: 's' }]);
  });

  it('restores a 100,000-event session from the log', { timeout: 60_000 }, async () => {
    const schema = newSchema();
    const service = open(schema);
    await firstValueFrom(service.createSession({ appName: 'app', userId: 'u1', sessionId: 'big' }));
    const n = 100_000;
    await admin.query(
      `INSERT INTO "${schema}".events (app_name, user_id, session_id, seq, event_id, event)
       SELECT 'app', 'u1', 'big', i, 'e' || i, jsonb_build_object(
         'id', 'e' || i, 'invocationId', 'inv', 'author', 'a', 'branch', 'a', 'timestamp', i,
         'content', jsonb_build_object('role', 'model', 'parts', jsonb_build_array(jsonb_build_object('text', 'chunk ' || i))),
         'actions', jsonb_build_object('stateDelta', jsonb_build_object('k' || (i % 10), i)))
       FROM generate_series(0, $1 - 1) AS i`,
      [n],
    );
    await admin.query(
      `UPDATE "${schema}".sessions SET event_count = $1, last_update_time = $1 - 1,
         state = (SELECT jsonb_object_agg('k' || j, $1 - 10 + j) FROM generate_series(0, 9) AS j)`,
      [n],
    );
    const started = Date.now();
    const session = await get(service, 'big');
    const elapsed = Date.now() - started;
    expect(session.events).toHaveLength(n);
    expect(session.events[n - 1]?.id).toBe(`e${n - 1}`);
    expect(session.state.get('k9')).toBe(n - 1);
    expect(session.stateAt(25)).toMatchObject({ k5: 25, k4: 24 });
    expect(await firstValueFrom(service.stateAt(key('big'), 25))).toEqual(session.stateAt(25));
    expect(elapsed).toBeLessThan(20_000);
    await lastValueFrom(service.appendEvent(session, makeEvent('next', { k0: -1 })));
    expect(
      (await firstValueFrom(service.listSessions({ appName: 'app', userId: 'u1' })))[0]?.eventCount,
    ).toBe(n + 1);
  });
});
