// W8 — distributed runs: `RemoteRunner` invocations per second and p50/p99 latency against a
// floor of raw BullMQ, with one and two worker processes (started here, w8worker.ts) and 1 or 32
// invocations in flight. See bench/README.md "W8". Needs Redis on 127.0.0.1:6379; every key it
// writes is under a prefix of its own, deleted at the end.
// Run: pnpm --filter bench run bench:w8 [-- --quick]
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RemoteRunner } from '@rxagents/bullmq';
import type { Event } from '@rxagents/core';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { lastValueFrom, toArray } from 'rxjs';
import { quantile } from './stats.js';
import { FLOOR_QUEUE, floorEvents, floorStream, outcome, QUEUE } from './w8flow.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 2 : 4;
const SAMPLE_MILLIS = quick ? 1000 : 2000;
const WARMUP_MILLIS = quick ? 500 : 1000;
const WORKER_COUNTS = [1, 2];
const IN_FLIGHT = [1, 32];
const connection = { host: '127.0.0.1', port: Number(process.env.W8_REDIS_PORT ?? 6379) };
const prefix = `w8bench-${process.pid}`;

/** One system: `run` is one invocation on a lane (one of the `inFlight` callers). */
interface W8System {
  readonly name: string;
  run(invocationId: string, lane: number): Promise<readonly Event[]>;
  close(): Promise<void>;
}

function rxagents(): W8System {
  const runner = new RemoteRunner({ connection, prefix, queueName: QUEUE, appName: 'w8', agent: 'flow' });
  return {
    name: 'rxagents',
    run: (invocationId) =>
      lastValueFrom(
        runner.run({ userId: 'u', sessionId: invocationId, invocationId, newMessage: 'go' }).pipe(toArray()),
      ),
    close: () => runner.close(),
  };
}

// The floor: add the job, read its stream with a blocking XREAD on a connection of the lane's own
// (opened once, not per invocation) until the end entry, parse each event, delete the stream.
async function floor(inFlight: number): Promise<W8System> {
  const commands = new Redis(connection);
  const queue = new Queue(FLOOR_QUEUE, { connection: commands, prefix });
  const readers = await Promise.all(Array.from({ length: inFlight }, () => new Redis(connection)));
  return {
    name: 'floor',
    async run(invocationId, lane) {
      const stream = floorStream(prefix, invocationId);
      await queue.add(
        'run',
        { invocationId },
        { jobId: invocationId, attempts: 1, removeOnComplete: { age: 3600 }, removeOnFail: { age: 3600 } },
      );
      const events: Event[] = [];
      let cursor = '0';
      for (;;) {
        const result = (await readers[lane]!.xread('BLOCK', 0, 'STREAMS', stream, cursor)) as
          | [string, [string, string[]][]][]
          | null;
        for (const [id, fields] of result?.[0]?.[1] ?? []) {
          cursor = id;
          if (fields[1] === 'end') {
            void commands.del(stream);
            return events;
          }
          events.push(JSON.parse(fields[3]!) as Event);
        }
      }
    },
    async close() {
      await queue.close();
      await Promise.all([commands, ...readers].map((r) => r.quit()));
    },
  };
}

interface Measured {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly invocations: number;
}

let sequenceNumber = 0;

// `inFlight` callers each run invocations back to back for `millis`; every invocation's events
// must be the flow's (the floor's hand-built events are the reference).
async function measure(system: W8System, inFlight: number, millis: number): Promise<Measured> {
  const latencies: number[] = [];
  const start = performance.now();
  const deadline = start + millis;
  await Promise.all(
    Array.from({ length: inFlight }, async (_, lane) => {
      while (performance.now() < deadline) {
        const invocationId = `${system.name}-${process.pid}-${++sequenceNumber}`;
        const t0 = performance.now();
        const events = await system.run(invocationId, lane);
        latencies.push(performance.now() - t0);
        const got = outcome(events);
        const expected = outcome(floorEvents(invocationId));
        if (got !== expected) throw new Error(`${system.name} ${invocationId}: ${got} ≠ ${expected}`);
      }
    }),
  );
  const elapsed = performance.now() - start;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: (latencies.length / elapsed) * 1000,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    invocations: latencies.length,
  };
}

function spawnWorker(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      // W8_WORKER_FLAGS: extra node flags of the workers (e.g. `--cpu-prof` to profile them).
      ...(process.env.W8_WORKER_FLAGS?.split(' ').filter(Boolean) ?? []),
      // The workers load the packages as this process does (built, or the sources with bench:w8:source).
      ...process.execArgv.filter((flag) => flag.startsWith('--conditions')),
      '--import',
      'tsx/esm',
      resolve(here, 'w8worker.ts'),
    ],
    { env: { ...process.env, W8_PREFIX: prefix }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((ready, fail) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      if (chunk.includes('ready')) ready(child);
    });
    child.once('exit', (code) => fail(new Error(`W8 worker exited (${code})`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}

async function dropKeys(): Promise<number> {
  const redis = new Redis(connection);
  let cursor = '0';
  let dropped = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) dropped += await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
  return dropped;
}

type Cell = Record<string, Measured[]>;
const results: Record<string, Cell> = {};
const children: ChildProcess[] = [];

const countArg = process.argv.indexOf('--commands');

try {
  if (countArg > 0) await countCommands(Number(process.argv[countArg + 1] ?? 200));
  else await timeAll();
} finally {
  await Promise.all(children.map(stop));
  const dropped = await dropKeys();
  console.log(`(deleted ${dropped} keys under ${prefix})`);
}

// Redis commands and CPU per invocation of each system, one worker, `--in-flight K` (default 1), from INFO
// commandstats (exact only on a Redis of its own: W8_REDIS_PORT).
async function countCommands(n: number): Promise<void> {
  children.push(await spawnWorker());
  const redis = new Redis(connection);
  const stats = async (): Promise<Map<string, number>> => {
    const info = await redis.info('commandstats');
    const out = new Map<string, number>();
    for (const [, name, calls] of info.matchAll(/cmdstat_([^:]+):calls=(\d+)/g))
      out.set(name!, Number(calls));
    return out;
  };
  // CPU seconds of this process, the worker process and the Redis server.
  const cpu = async (): Promise<[number, number, number]> => {
    const own = process.cpuUsage();
    const fields = readFileSync(`/proc/${children[0]!.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const info = await redis.info('cpu');
    const server =
      Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]);
    return [(own.user + own.system) / 1e6, ticks / 100, server];
  };
  const only = process.argv.indexOf('--only');
  const inFlightArg = process.argv.indexOf('--in-flight');
  const inFlight = inFlightArg < 0 ? 1 : Number(process.argv[inFlightArg + 1]);
  const systems = [rxagents(), await floor(inFlight)];
  for (const system of systems.filter((s) => only < 0 || s.name === process.argv[only + 1])) {
    await measure(system, inFlight, 1000);
    const before = await stats();
    const cpu0 = await cpu();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async (_, lane) => {
        while (next++ < n) await system.run(`${system.name}-count-${++sequenceNumber}`, lane);
      }),
    );
    const wall = performance.now() - t0;
    const cpu1 = await cpu();
    const after = await stats();
    const us = (i: number) => (((cpu1[i]! - cpu0[i]!) / n) * 1e6).toFixed(0);
    console.log(
      `${system.name}: ${(wall / n).toFixed(2)} ms per invocation; CPU µs per invocation: client ${us(0)}, worker ${us(1)}, redis ${us(2)}`,
    );
    const perInvocation = [...after]
      .map(([name, calls]) => [name, (calls - (before.get(name) ?? 0)) / n] as const)
      .filter(([, calls]) => calls >= 0.05)
      .sort((a, b) => b[1] - a[1]);
    const total = perInvocation.reduce((sum, [, calls]) => sum + calls, 0);
    console.log(
      `${system.name}: ${total.toFixed(1)} commands per invocation: ${perInvocation.map(([name, calls]) => `${name} ${calls.toFixed(2)}`).join(', ')}`,
    );
  }
  for (const system of systems) await system.close();
  await redis.quit();
}

async function timeAll(): Promise<void> {
  for (const workers of WORKER_COUNTS) {
    while (children.length < workers) children.push(await spawnWorker());
    for (const inFlight of IN_FLIGHT) {
      const cell: Cell = { rxagents: [], floor: [] };
      results[`${workers} worker${workers > 1 ? 's' : ''}, ${inFlight} in flight`] = cell;
      const systems = [rxagents(), await floor(inFlight)];
      for (let round = 0; round < ROUNDS; round++) {
        // A different system first each round; the first round's warm-up is longer.
        for (let k = 0; k < systems.length; k++) {
          const system = systems[(round + k) % systems.length]!;
          (globalThis as { gc?: () => void }).gc?.();
          await measure(system, inFlight, round === 0 ? 3 * WARMUP_MILLIS : WARMUP_MILLIS);
          cell[system.name]!.push(await measure(system, inFlight, SAMPLE_MILLIS));
        }
      }
      for (const system of systems) await system.close();
      report(Object.keys(results).at(-1)!, cell);
    }
  }
  writeFileSync(
    resolve(here, `../results/w8-${quick ? 'quick' : 'full'}.json`),
    `${JSON.stringify({ date: new Date().toISOString(), rounds: ROUNDS, sampleMillis: SAMPLE_MILLIS, results }, null, 2)}\n`,
  );
}

function report(label: string, cell: Cell): void {
  const line = (name: string): string => {
    const rounds = cell[name]!;
    const med = (pick: (m: Measured) => number) =>
      quantile(
        [...rounds.map(pick)].sort((a, b) => a - b),
        0.5,
      );
    const range = (pick: (m: Measured) => number) =>
      `${Math.min(...rounds.map(pick)).toFixed(1)}–${Math.max(...rounds.map(pick)).toFixed(1)}`;
    return `${name}: ${med((m) => m.perSecond).toFixed(0)}/s (${range((m) => m.perSecond)}), p50 ${med((m) => m.p50).toFixed(2)} ms (${range((m) => m.p50)}), p99 ${med((m) => m.p99).toFixed(2)} ms (${range((m) => m.p99)})`;
  };
  const ratio =
    quantile(
      [...cell.floor!.map((m) => m.perSecond)].sort((a, b) => a - b),
      0.5,
    ) /
    quantile(
      [...cell.rxagents!.map((m) => m.perSecond)].sort((a, b) => a - b),
      0.5,
    );
  console.log(`W8 ${label}: ${line('rxagents')}; ${line('floor')}; floor/rxagents ${ratio.toFixed(2)}×`);
}
