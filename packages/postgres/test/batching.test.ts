// Appends that queue up while one is in flight are stored in one statement: counted on the real
// server through a pool whose clients record every statement they send.
import {
  agent,
  BackendUnavailableError,
  type Event,
  ParallelAgent,
  Runner,
  type RunRequest,
  SequentialAgent,
  type Session,
  SessionConflictError,
  text,
} from '@rxagents/core';
import pg from 'pg';
import { firstValueFrom, lastValueFrom, of, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSessionService } from '../src/index.js';
import { statements } from '../src/internal/statements.js';
import { adminPool, databaseUrl, dropSchema, uniqueSchema } from './db.js';

let admin: pg.Pool;
let url: string;
const cleanup: (() => Promise<void>)[] = [];

beforeAll(async () => {
  url = await databaseUrl();
  admin = await adminPool();
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});
afterAll(async () => {
  await admin.end();
});

interface Sent {
  readonly text: string;
  readonly values: readonly unknown[] | undefined;
}

// A service on a schema of its own, over a pool whose clients record what they send.
function counted(label: string): {
  service: PostgresSessionService;
  schema: string;
  app: string;
  appends: () => Sent[];
} {
  const schema = uniqueSchema(label);
  const app = `rxt_${schema}`;
  const sent: Sent[] = [];
  const pool = new pg.Pool({ connectionString: url, application_name: app, max: 4 });
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (text: string, values?: unknown[]) => Promise<unknown>;
    (client as { query: unknown }).query = (text: string, values?: unknown[]) => {
      sent.push({ text, values });
      return query(text, values);
    };
  });
  const service = new PostgresSessionService({ pool, schema });
  cleanup.push(async () => {
    await pool.end();
    await dropSchema(admin, schema);
  });
  const append = statements(`"${schema}"`).append;
  return { service, schema, app, appends: () => sent.filter((s) => s.text === append) };
}

// How many events each append statement carried ($6 of the statement).
const sizes = (appends: Sent[]) => appends.map((s) => s.values?.[5]);

const fanOut = (n: number) =>
  new ParallelAgent({
    name: 'fan',
    subAgents: Array.from({ length: n }, (_, i) =>
      agent(`c${i}`, (ctx) => of(ctx.newEvent({ actions: { stateDelta: { [`c${i}`]: i } } }))),
    ),
  });

const steps = (names: readonly string[]) =>
  new SequentialAgent({
    name: 'flow',
    subAgents: names.map((name, i) =>
      agent(name, (ctx) =>
        of(
          ctx.newEvent({
            content: text(name, 'model'),
            actions: { stateDelta: { [name]: i, 'app:last': name, 'user:count': i } },
          }),
        ),
      ),
    ),
  });

async function rows(schema: string, sessionId: string) {
  const events = await admin.query<{ seq: number; author: string }>(
    `SELECT seq, event->>'author' AS author FROM "${schema}".events WHERE session_id = $1 ORDER BY seq`,
    [sessionId],
  );
  const head = await admin.query<{ event_count: number; state: unknown }>(
    `SELECT event_count, state FROM "${schema}".sessions WHERE session_id = $1`,
    [sessionId],
  );
  return { authors: events.rows.map((r) => r.author), head: head.rows[0] };
}

// A new session loaded twice: two Session objects of one key, as two processes would hold it.
async function twoCopies(service: PostgresSessionService): Promise<[Session, Session]> {
  const key = { appName: 'app', userId: 'u1', sessionId: 's' };
  await firstValueFrom(service.createSession(key));
  const one = await firstValueFrom(service.getSession(key));
  const other = await firstValueFrom(service.getSession(key));
  if (one === undefined || other === undefined) throw new Error('no session');
  return [one, other];
}

const event = (id: string, author = id, stateDelta: Record<string, string> = {}): Event => ({
  id,
  invocationId: 'inv',
  author,
  branch: author,
  timestamp: 1,
  actions: { stateDelta },
});

describe('PostgresSessionService: batched appends', () => {
  it('a 1,000-way fan-out is stored in one statement after the user event, every row and delta as one at a time would', async () => {
    const { service, schema, appends } = counted('fan');
    const runner = new Runner({ appName: 'app', agent: fanOut(1000), sessionService: service });
    const events = await lastValueFrom(
      runner.run({ userId: 'u1', sessionId: 's', newMessage: 'go' }).pipe(toArray()),
    );
    expect(events).toHaveLength(1000);
    // the user's event alone (the agent starts once it is durable), then the whole fan-out
    expect(sizes(appends())).toEqual([1, 1000]);
    const stored = await rows(schema, 's');
    expect(stored.authors).toEqual(['user', ...events.map((e) => e.author)]);
    expect(stored.head?.event_count).toBe(1001);
    expect(stored.head?.state).toEqual(Object.fromEntries(events.map((e, i) => [e.author, i])));
  });

  it('a sequential flow of instant steps: one statement for its steps, app:/user:/own state merged in order', async () => {
    const { service, schema, appends } = counted('seq');
    const runner = new Runner({ appName: 'app', agent: steps(['a', 'b', 'c']), sessionService: service });
    await lastValueFrom(runner.run({ userId: 'u1', sessionId: 's', newMessage: 'go' }));
    expect(sizes(appends())).toEqual([1, 3]);
    const loaded = await firstValueFrom(service.getSession({ appName: 'app', userId: 'u1', sessionId: 's' }));
    // the last writer of each shared key wins, as with three statements
    expect(loaded?.state.snapshot()).toEqual({ a: 0, b: 1, c: 2, 'app:last': 'c', 'user:count': 2 });
    expect(loaded?.stateAt(1)).toEqual({ a: 0, 'app:last': 'a', 'user:count': 0 });
    expect((await rows(schema, 's')).authors).toEqual(['user', 'a', 'b', 'c']);
  });

  it('a concurrent writer got there first: every event of the batch fails with the same SessionConflictError, nothing of it is stored', async () => {
    const { service, schema, appends } = counted('conflict');
    const [mine, theirs] = await twoCopies(service);
    await firstValueFrom(service.appendEvent(theirs, event('t0', 'them', { who: 'them' })));
    const outcomes = await Promise.all(
      ['m0', 'm1', 'm2'].map((id, i) =>
        firstValueFrom(
          service.appendEvent(mine, event(id, `me${i}`, { who: 'me', 'app:mine': id, 'user:mine': id })),
        ).then(
          () => 'stored',
          (error: unknown) => error,
        ),
      ),
    );
    // one statement for the three (after their one event), refused by the optimistic check
    expect(sizes(appends())).toEqual([1, 3]);
    expect(outcomes[0]).toBeInstanceOf(SessionConflictError);
    expect(outcomes[0]).toMatchObject({ agent: 'me0', position: 0, sessionId: 's' });
    expect(outcomes[1]).toBe(outcomes[0]);
    expect(outcomes[2]).toBe(outcomes[0]);
    const stored = await rows(schema, 's');
    expect(stored.authors).toEqual(['them']);
    expect(stored.head).toEqual({ event_count: 1, state: { who: 'them' } });
    const shared = await admin.query(
      `SELECT (SELECT count(*)::int FROM "${schema}".app_state) AS app, (SELECT count(*)::int FROM "${schema}".user_state) AS usr`,
    );
    expect(shared.rows).toEqual([{ app: 0, usr: 0 }]);
  });

  it('a resumed run whose first events are stored already: the stored ones are no-ops, the rest one statement', async () => {
    const { service, schema, appends } = counted('resume');
    const request: RunRequest = { userId: 'u1', sessionId: 's', newMessage: 'go', invocationId: 'inv1' };
    const two = new Runner({ appName: 'app', agent: steps(['a', 'b']), sessionService: service });
    await lastValueFrom(two.run(request));
    // the same invocation with more steps: a and b re-produced (same ids), c and d new
    const four = new Runner({ appName: 'app', agent: steps(['a', 'b', 'c', 'd']), sessionService: service });
    const events = await lastValueFrom(four.run({ ...request, resume: true }).pipe(toArray()));
    console.log(
      events.map((e) => e.author),
      sizes(appends()),
    );
    expect((await rows(schema, 's')).authors).toEqual(['user', 'a', 'b', 'c', 'd']);
  });

  it('the connection lost while a batch is in flight: BackendUnavailableError, nothing of the batch stored, earlier runs intact; a resume completes it', async () => {
    const { service, schema, app } = counted('lost');
    await lastValueFrom(service.migrate(), { defaultValue: undefined });
    const runner = new Runner({ appName: 'app', agent: steps(['a', 'b', 'c']), sessionService: service });
    await lastValueFrom(runner.run({ userId: 'u1', sessionId: 's', newMessage: 'first' }));
    const before = await rows(schema, 's');
    // the next batch holding b waits in the server until the test ends its backend
    await admin.query(`
      CREATE FUNCTION "${schema}".hold_b() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.event->>'author' = 'b' AND NEW.event->>'invocationId' = 'inv2' THEN PERFORM pg_sleep(30); END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER hold_b BEFORE INSERT ON "${schema}".events
        FOR EACH ROW EXECUTE FUNCTION "${schema}".hold_b();`);
    const request: RunRequest = { userId: 'u1', sessionId: 's', newMessage: 'second', invocationId: 'inv2' };
    const failed = lastValueFrom(runner.run(request)).then(
      () => 'completed',
      (error: unknown) => error,
    );
    const sleeping = async (): Promise<number> => {
      const { rows: found } = await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event = 'PgSleep'`,
        [app],
      );
      return found[0]?.pid ?? (await new Promise((r) => setTimeout(r, 10)).then(sleeping));
    };
    await admin.query('SELECT pg_terminate_backend($1)', [await sleeping()]);
    const error = await failed;
    expect(error).toBeInstanceOf(BackendUnavailableError);
    const after = await rows(schema, 's');
    // the first run and the second's user event (stored before its agent started) are intact
    expect(after.authors).toEqual([...before.authors, 'user']);
    expect(after.head).toEqual({ ...before.head, event_count: before.authors.length + 1 });
    await admin.query(`DROP TRIGGER hold_b ON "${schema}".events`);
    // a client whose backend was just terminated may be handed out once more: tried again
    let resumed: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      resumed = await lastValueFrom(runner.run({ ...request, resume: true }).pipe(toArray())).catch(
        (e: unknown) => e,
      );
      if (!(resumed instanceof BackendUnavailableError)) break;
    }
    expect((resumed as Event[]).map((e) => e.author)).toEqual(['a', 'b', 'c']);
    expect((await rows(schema, 's')).authors).toEqual([...before.authors, 'user', 'a', 'b', 'c']);
  });

  it('appends of one session through two Session objects are never mixed into one statement', async () => {
    const { service, schema, appends } = counted('two');
    const [one, other] = await twoCopies(service);
    const outcomes = await Promise.all(
      [
        service.appendEvent(one, event('x0')),
        service.appendEvent(other, event('y0')),
        service.appendEvent(one, event('x1')),
      ].map((append) =>
        firstValueFrom(append).then(
          (stored) => stored.id,
          (error: unknown) => error,
        ),
      ),
    );
    // y0 was refused (x0 holds position 0); x0 and x1 are separate statements around it
    expect(outcomes[0]).toBe('x0');
    expect(outcomes[1]).toBeInstanceOf(SessionConflictError);
    expect(outcomes[2]).toBe('x1');
    expect(sizes(appends())).toEqual([1, 1, 1]);
    expect((await rows(schema, 's')).authors).toEqual(['x0', 'x1']);
  });
});
