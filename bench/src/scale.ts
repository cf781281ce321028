/**
 * `bench:scale`: issue 22's scale targets (≤ 1.5× the floor on W3 at 100,000 branches and on
 * 100,000 sessions), rxagents against the floor (`bare.ts`) and the contract floor (`contract.ts`)
 * at `SCALE_N` (default 100,000):
 * - W3: one fan-out of N branches per run (`w3Workflow(n)` against `bareW3('mutable', n)`), ms per run;
 * - W5: N sessions of one small invocation in one store (`w5Sessions` against `bareW5Sessions`),
 *   ms and retained heap per session (`manySessions`).
 * Method (bench/README.md, `bench:scale`): an untimed warm-up of each system, then 5 rounds, each
 * measuring every system once in turn after a full GC, a different system first each round;
 * medians and min/max over the rounds. Results: stdout and `results/scale.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bareW3, bareW5Sessions } from './bare.js';
import { contractW3, contractW5Sessions } from './contract.js';
import { manySessions, releaseSessions, type SessionsSystem } from './manySessions.js';
import { w3Workflow, w5Sessions } from './rx.js';
import { type Sample, summarise } from './stats.js';

const n = Number(process.env.SCALE_N ?? 100_000);
const rounds = 5;
if (!Number.isInteger(n) || n < 1)
  throw new Error(`SCALE_N must be a positive integer, not ${process.env.SCALE_N}`);
// Without it the heap figures would be whatever garbage the last collection left.
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc (see bench:scale)');
const gc = globalThis.gc;

/**
 * Measures every system once per round, after a full GC, starting each round with a different
 * system (so a drift of the shared machine, or what one system leaves in the heap and the caches,
 * does not always fall on the same one); each metric of `measure` is summarised over the rounds.
 */
async function alternate<S, K extends string>(
  systems: Readonly<Record<string, S>>,
  measure: (system: S) => Promise<Record<K, number>>,
): Promise<Record<string, Record<K, Sample>>> {
  const names = Object.keys(systems);
  const values: Record<string, Partial<Record<K, number[]>>> = {};
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length]!;
      gc();
      const m = await measure(systems[name]!);
      const into = (values[name] ??= {});
      for (const key of Object.keys(m) as K[]) (into[key] ??= []).push(m[key]);
    }
  }
  const out: Record<string, Record<K, Sample>> = {};
  for (const [name, metrics] of Object.entries(values)) {
    const summary = {} as Record<K, Sample>;
    for (const key of Object.keys(metrics) as K[]) summary[key] = summarise(metrics[key]!);
    out[name] = summary;
  }
  return out;
}

const fmt = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(4));
const spread = (s: Sample, unit = '') => `${fmt(s.median)}${unit} (${fmt(s.min)}–${fmt(s.max)})`;

// W3: the agent tree (and the floor's observable) is built once, outside the timing, as in main.ts.
const w3 = { rxagents: w3Workflow(n), bare: bareW3('mutable', n), contract: contractW3(n) };
type W3System = (typeof w3)['rxagents' | 'bare' | 'contract'];
const w3Events = async (system: W3System) => {
  const events = await system.run();
  // Both must have run the whole fan-out, or the comparison is of different work.
  if (events !== n) throw new Error(`W3 ran ${events} events, expected ${n}`);
};
for (const system of Object.values(w3)) {
  system.reset();
  await w3Events(system); // warm-up (untimed)
}
const w3Result = await alternate(w3, async (system) => {
  system.reset(); // an empty session service per run (untimed), as compare() does
  gc();
  const t0 = performance.now();
  await w3Events(system);
  return { ms: performance.now() - t0 };
});
for (const system of Object.values(w3)) system.reset();
const w3Rx = w3Result.rxagents!.ms;
const w3Bare = w3Result.bare!.ms;
const w3Contract = w3Result.contract!.ms;
console.log(
  `W3 fan-out branches=${n} rxagents=${spread(w3Rx, 'ms')} bare=${spread(w3Bare, 'ms')} contract=${spread(w3Contract, 'ms')} vs-bare=${(w3Rx.median / w3Bare.median).toFixed(2)}x vs-contract=${(w3Rx.median / w3Contract.median).toFixed(2)}x  (ms per run, median (min–max) of ${rounds} rounds)`,
);

// W5: a fresh store per measurement; the sessions of one are let go before the next (releaseSessions).
const w5: Readonly<Record<string, () => SessionsSystem>> = {
  rxagents: w5Sessions,
  bare: bareW5Sessions,
  contract: contractW5Sessions,
};
const warmSessions = Math.ceil(n / 10);
for (const make of Object.values(w5)) {
  const system = make();
  for (let i = 0; i < warmSessions; i++) await system.run(); // warm-up (untimed), then dropped
}
const w5Result = await alternate(w5, async (make) => {
  const { msPerSession, heapBytesPerSession } = await manySessions(make().run, n);
  releaseSessions();
  return { msPerSession, heapBytesPerSession };
});
const w5Rx = w5Result.rxagents!;
const w5Bare = w5Result.bare!;
const w5Contract = w5Result.contract!;
const versus = (floor: typeof w5Rx) => ({
  time: w5Rx.msPerSession.median / floor.msPerSession.median,
  heap: w5Rx.heapBytesPerSession.median / floor.heapBytesPerSession.median,
});
const w5VsBare = versus(w5Bare);
const w5VsContract = versus(w5Contract);
const w5Col = (k: string, s: typeof w5Rx) =>
  `${k}=${spread(s.msPerSession, ' ms/session')}, ${Math.round(s.heapBytesPerSession.median)} B heap/session (${Math.round(s.heapBytesPerSession.min)}–${Math.round(s.heapBytesPerSession.max)})`;
console.log(
  `W5 sessions=${n} ${w5Col('rxagents', w5Rx)} ${w5Col('bare', w5Bare)} ${w5Col('contract', w5Contract)} vs-bare=${w5VsBare.time.toFixed(2)}x time, ${w5VsBare.heap.toFixed(2)}x heap vs-contract=${w5VsContract.time.toFixed(2)}x time, ${w5VsContract.heap.toFixed(2)}x heap  (median (min–max) of ${rounds} rounds)`,
);

const json = {
  date: new Date().toISOString(),
  node: process.version,
  n,
  rounds,
  method:
    'per workload: an untimed warm-up of each system, then rounds each measuring every system once after a full GC, a different one first each round',
  w3: {
    branches: n,
    unit: 'ms per run',
    rxagents: w3Rx,
    bare: w3Bare,
    contract: w3Contract,
    vsBare: w3Rx.median / w3Bare.median,
    vsContract: w3Rx.median / w3Contract.median,
  },
  w5: {
    sessions: n,
    warmupSessions: warmSessions,
    rxagents: w5Rx,
    bare: w5Bare,
    contract: w5Contract,
    vsBare: w5VsBare,
    vsContract: w5VsContract,
  },
};
const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
mkdirSync(dir, { recursive: true });
const out = join(dir, 'scale.json');
writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
console.log(`wrote ${out}`);
