/**
 * W7, durable appends: StoryFlow (W4's workflow, 9 events per invocation with the user's) and a
 * 1,000-way fan-out (W3, 1,001 events) through `Runner` + `PostgresSessionService`, against two
 * floors that write the same rows with `pg` on one connection and nothing else: one parameterized
 * `INSERT` per event (`single`), and one multi-row `INSERT` for all of them (`multi`), each between
 * an `INSERT` of the session row and an `UPDATE` of its state. `pnpm --filter bench run bench:w7`
 * (`W7_PG` overrides the server; it uses a database `bench_w7` of its own, one schema per system).
 *
 * Reported per system: time per run and per event (the run's time over its events), and the
 * latency of each append, from the moment the event is there to the moment it is durable
 * (rxagents: from the Runner handing it over; `single`: from the first INSERT of the run to the
 * event's own; `multi`: the statement, for each of its rows), p50/p99. Runs of the systems
 * alternate one by one, so a drift in the machine's load reaches all of them alike.
 * At the end every system's last session of each workload must hold the same rows and state.
 */
import { type BaseAgent, type Event, InMemorySessionService, Runner, type Session } from '@rxagents/core';
import { PostgresSessionService } from '@rxagents/postgres';
import pg from 'pg';
import { defer, finalize, lastValueFrom, type Observable, toArray } from 'rxjs';
import { w3Root, w4Root } from './rx.js';
import { quantile } from './stats.js';

const DATABASE = 'bench_w7';
const APP = 'bench';
const USER = 'u';

interface Workload {
  readonly name: string;
  readonly root: () => BaseAgent;
  /** Timed runs per system per round, and untimed warm-up runs before them. */
  readonly runs: number;
  readonly warmup: number;
}

const ROUNDS = Number(process.env.W7_ROUNDS ?? 3);
const WORKLOADS: readonly Workload[] = [
  { name: 'StoryFlow', root: w4Root, runs: 60, warmup: 20 },
  { name: 'fan-out 1,000', root: () => w3Root(1000), runs: 6, warmup: 2 },
];

/** One system on one workload: a run on a new session, timed by the caller. */
interface System {
  readonly name: string;
  readonly schema: string;
  /** Runs one invocation on session `sessionId`; pushes each append's latency (ms). */
  run(sessionId: string, latencies: number[]): Promise<number>;
  close(): Promise<void>;
}

// A PostgresSessionService that records how long each append took, from the moment the Runner
// subscribed to it (the event was handed over) until it was durable.
class TimedPostgresSessionService extends PostgresSessionService {
  latencies: number[] = [];
  // W7_UNBATCHED=1 adds the Runner as it was before batching: one append after the other.
  constructor(
    options: ConstructorParameters<typeof PostgresSessionService>[0],
    override readonly appendsInOrder: boolean,
  ) {
    super(options);
  }
  override appendEvent(session: Session, event: Event): Observable<Event> {
    return defer(() => {
      const start = performance.now();
      return super
        .appendEvent(session, event)
        .pipe(finalize(() => this.latencies.push(performance.now() - start)));
    });
  }
}

async function rxagents(url: string, root: BaseAgent, batched = true): Promise<System> {
  const name = batched ? 'rxagents' : 'rxagents-unbatched';
  const schema = `w7_${name.replace('-', '_')}`;
  const sessions = new TimedPostgresSessionService({ connectionString: url, schema }, batched);
  await lastValueFrom(sessions.migrate(), { defaultValue: undefined });
  const runner = new Runner({ appName: APP, agent: root, sessionService: sessions });
  return {
    name,
    schema,
    run: async (sessionId, latencies) => {
      sessions.latencies = latencies;
      const events = await lastValueFrom(
        runner.run({ userId: USER, sessionId, newMessage: 'go' }).pipe(toArray()),
      );
      return events.length + 1;
    },
    close: () => sessions.close(),
  };
}

// The events of one invocation as an in-memory run produces them (the user's first): what the
// floors write, so that they store exactly the rows the Runner stores.
async function eventsOf(root: BaseAgent): Promise<readonly Event[]> {
  const sessions = new InMemorySessionService();
  const runner = new Runner({ appName: APP, agent: root, sessionService: sessions });
  await lastValueFrom(runner.run({ userId: USER, sessionId: 'template', newMessage: 'go' }));
  const session = await lastValueFrom(
    sessions.getSession({ appName: APP, userId: USER, sessionId: 'template' }),
  );
  return session?.events ?? [];
}

// A floor: one connection, the session row, the events (`insertEvents`), the state.
async function floor(
  url: string,
  name: 'single' | 'multi',
  events: readonly Event[],
  insertEvents: (client: pg.Client, key: string[], jsons: string[], latencies: number[]) => Promise<void>,
): Promise<System> {
  const schema = `w7_${name}`;
  // The service's migration, so the floors' tables are the same as the Runner's.
  const migrating = new PostgresSessionService({ connectionString: url, schema });
  await lastValueFrom(migrating.migrate(), { defaultValue: undefined });
  await migrating.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const s = `"${schema}"`;
  return {
    name,
    schema,
    run: async (sessionId, latencies) => {
      const key = [APP, USER, sessionId];
      await client.query(
        `INSERT INTO ${s}.sessions (app_name, user_id, session_id, initial_state, state) VALUES ($1, $2, $3, '{}', '{}')`,
        key,
      );
      const state: Record<string, unknown> = {};
      const jsons: string[] = [];
      for (const event of events) {
        Object.assign(state, event.actions.stateDelta);
        jsons.push(JSON.stringify(event));
      }
      await insertEvents(client, key, jsons, latencies);
      await client.query(
        `UPDATE ${s}.sessions SET state = $4::jsonb, event_count = $5, last_update_time = $6 WHERE app_name = $1 AND user_id = $2 AND session_id = $3`,
        [...key, JSON.stringify(state), events.length, events[events.length - 1]?.timestamp ?? 0],
      );
      return events.length;
    },
    close: () => client.end(),
  };
}

function singleFloor(url: string, events: readonly Event[]): Promise<System> {
  return floor(url, 'single', events, async (client, key, jsons, latencies) => {
    const text = `INSERT INTO "w7_single".events (app_name, user_id, session_id, seq, event_id, event) VALUES ($1, $2, $3, $4, $5, $6)`;
    // An event's latency: from the moment the run's events are there until it is durable, as
    // for the Runner's appends (which count the wait behind the statement in flight).
    const start = performance.now();
    for (let i = 0; i < jsons.length; i++) {
      await client.query(text, [...key, i, events[i]!.id, jsons[i]]);
      latencies.push(performance.now() - start);
    }
  });
}

function multiFloor(url: string, events: readonly Event[]): Promise<System> {
  const rows = events.map((_, i) => `($1, $2, $3, $${4 + 3 * i}, $${5 + 3 * i}, $${6 + 3 * i})`).join(', ');
  const text = `INSERT INTO "w7_multi".events (app_name, user_id, session_id, seq, event_id, event) VALUES ${rows}`;
  return floor(url, 'multi', events, async (client, key, jsons, latencies) => {
    const values: unknown[] = [...key];
    for (let i = 0; i < jsons.length; i++) values.push(i, events[i]!.id, jsons[i]);
    const start = performance.now();
    await client.query(text, values);
    const took = performance.now() - start;
    for (let i = 0; i < jsons.length; i++) latencies.push(took);
  });
}

// What a session ended as, for comparing systems: authors, deltas and the stored state.
async function stored(client: pg.Client, schema: string, sessionId: string): Promise<string> {
  const events = await client.query<{ author: string; delta: unknown }>(
    `SELECT event->>'author' AS author, event->'actions'->'stateDelta' AS delta FROM "${schema}".events WHERE session_id = $1 ORDER BY seq`,
    [sessionId],
  );
  const head = await client.query(
    `SELECT state, event_count FROM "${schema}".sessions WHERE session_id = $1`,
    [sessionId],
  );
  return JSON.stringify({ events: events.rows, head: head.rows });
}

async function databaseUrl(): Promise<string> {
  const candidates =
    process.env.W7_PG === undefined
      ? ['root', 'postgres'].map((user) => `postgres://${user}@127.0.0.1:5432`)
      : [process.env.W7_PG];
  for (const base of candidates) {
    const client = new pg.Client({ connectionString: `${base}/test` });
    try {
      await client.connect();
    } catch {
      continue;
    }
    try {
      await client.query(`CREATE DATABASE ${DATABASE}`);
    } catch (error: unknown) {
      // 42P04: it exists already.
      if ((error as { code?: string }).code !== '42P04') throw error;
    } finally {
      await client.end();
    }
    return `${base}/${DATABASE}`;
  }
  throw new Error('W7: no PostgreSQL at 127.0.0.1:5432 (set W7_PG)');
}

interface Figures {
  perRun: number[];
  perEvent: number[];
  latencies: number[];
}

const p = (values: readonly number[], q: number) =>
  quantile(
    [...values].sort((a, b) => a - b),
    q,
  );
const ms = (value: number) =>
  value >= 10 ? value.toFixed(1) : value >= 1 ? value.toFixed(2) : value.toFixed(3);

async function measure(url: string, admin: pg.Client, workload: Workload): Promise<Record<string, Figures>> {
  const events = await eventsOf(workload.root());
  const systems = [
    await rxagents(url, workload.root()),
    await singleFloor(url, events),
    await multiFloor(url, events),
    ...(process.env.W7_UNBATCHED === '1' ? [await rxagents(url, workload.root(), false)] : []),
  ];
  const figures: Record<string, Figures> = {};
  for (const system of systems) figures[system.name] = { perRun: [], perEvent: [], latencies: [] };
  let counter = 0;
  const last: Record<string, string> = {};
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts on empty tables, so no system pays for rows of earlier rounds.
      for (const system of systems)
        await admin.query(`TRUNCATE "${system.schema}".events, "${system.schema}".sessions`);
      (globalThis as { gc?: () => void }).gc?.();
      for (let i = 0; i < workload.warmup; i++) {
        for (const system of systems) await system.run(`w${counter++}`, []);
      }
      // One run of each system in turn (the first one rotating): the load of the machine and the
      // server's state (WAL, checkpoints, caches) drift, and every system sees the same drift.
      for (let i = 0; i < workload.runs; i++) {
        for (let k = 0; k < systems.length; k++) {
          const system = systems[(round + i + k) % systems.length]!;
          const mine = figures[system.name]!;
          const sessionId = `s${counter++}`;
          const start = performance.now();
          const n = await system.run(sessionId, mine.latencies);
          const took = performance.now() - start;
          mine.perRun.push(took);
          mine.perEvent.push(took / n);
          last[system.name] = sessionId;
        }
      }
    }
    const ends: string[] = [];
    for (const system of systems) ends.push(await stored(admin, system.schema, last[system.name]!));
    for (let i = 1; i < ends.length; i++) {
      if (ends[i] !== ends[0]) {
        throw new Error(
          `W7 ${workload.name}: ${systems[i]!.name} ends in other rows than ${systems[0]!.name}`,
        );
      }
    }
  } finally {
    for (const system of systems) await system.close();
  }
  return figures;
}

const url = await databaseUrl();
const admin = new pg.Client({ connectionString: url });
await admin.connect();
const settings = await admin.query<{ name: string; setting: string }>(
  `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'server_version')`,
);
console.log(
  `W7 on ${url} (${settings.rows.map((r) => `${r.name}=${r.setting}`).join(', ')}), ${ROUNDS} rounds`,
);
try {
  for (const workload of WORKLOADS) {
    const figures = await measure(url, admin, workload);
    const single = p(figures.single!.perEvent, 0.5);
    const multi = p(figures.multi!.perRun, 0.5);
    console.log(
      `\n${workload.name} (ms; ${figures.rxagents!.perRun.length} runs per system, same rows checked)`,
    );
    console.log(
      '| system | per run p50 | p99 | per event p50 | p99 | append latency p50 | p99 | vs single (per event) | vs multi (per run) |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const [name, f] of Object.entries(figures)) {
      console.log(
        `| ${name} | ${ms(p(f.perRun, 0.5))} | ${ms(p(f.perRun, 0.99))} | ${ms(p(f.perEvent, 0.5))} | ${ms(p(f.perEvent, 0.99))} | ${ms(p(f.latencies, 0.5))} | ${ms(p(f.latencies, 0.99))} | ${(p(f.perEvent, 0.5) / single).toFixed(2)}× | ${(p(f.perRun, 0.5) / multi).toFixed(2)}× |`,
      );
    }
  }
} finally {
  await admin.end();
}
