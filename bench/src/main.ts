/** rxagents bench: W1–W5 for rxagents, bare RxJS (mutable / immer) and @google/adk; `--quick` for a short run. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adkW1, adkW2, adkW3, adkW4 } from './adk.js';
import { bareW1, bareW2, bareW3, bareW4, bareW5Long } from './bare.js';
import { w1Pipe, w1Workflow, w2Workflow, w3Workflow, w4Pipe, w4Workflow, w5Long, w5Sessions } from './rx.js';
import { measure, type Sample } from './stats.js';

const quick = process.argv.includes('--quick');
const warmup = quick ? 10 : 20;
const reps = quick ? 15 : 31;
const w4Batch = quick ? 100 : 500;

interface Row {
  readonly workload: string;
  readonly unit: string;
  readonly systems: Record<string, Sample>;
}
const rows: Row[] = [];
const fmt = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(3));

function report(row: Row): void {
  rows.push(row);
  const s = row.systems;
  const med = (k: string) => s[k]?.median ?? Number.NaN;
  const cols = Object.entries(s).map(([k, v]) => `${k}=${fmt(v.median)}`);
  const vsBare = med('rxagents') / med('bare');
  const vsAdk = med('adk') / med('rxagents');
  console.log(
    `${row.workload} ${cols.join(' ')} vs-bare=${vsBare.toFixed(2)}x vs-adk=${vsAdk.toFixed(2)}x  (${row.unit})`,
  );
}

async function ms(f: () => Promise<unknown>): Promise<Sample> {
  return measure(
    async () => {
      await f();
    },
    warmup,
    reps,
  );
}

/** Per-invocation time: a batch of invocations per repetition, divided. */
async function perInvocation(f: () => Promise<unknown>): Promise<Sample> {
  const s = await measure(
    async () => {
      for (let i = 0; i < w4Batch; i++) await f();
    },
    warmup,
    reps,
  );
  const d = (x: number) => x / w4Batch;
  return { median: d(s.median), min: d(s.min), max: d(s.max), q1: d(s.q1), q3: d(s.q3), runs: s.runs };
}

async function main(): Promise<void> {
  const w1 = w1Workflow();
  const w1p = w1Pipe();
  report({
    workload: 'W1 deep-sequential',
    unit: 'ms per run',
    systems: {
      rxagents: await ms(w1.run),
      'rxagents-pipe': await ms(w1p.run),
      bare: await ms(() => bareW1('mutable')),
      'bare-immer': await ms(() => bareW1('immer')),
      adk: await ms(adkW1()),
    },
  });
  const w2 = w2Workflow();
  report({
    workload: 'W2 loop',
    unit: 'ms per run',
    systems: {
      rxagents: await ms(w2.run),
      bare: await ms(() => bareW2('mutable')),
      'bare-immer': await ms(() => bareW2('immer')),
      adk: await ms(adkW2()),
    },
  });
  const w3 = w3Workflow();
  report({
    workload: 'W3 fan-out',
    unit: 'ms per run',
    systems: {
      rxagents: await ms(w3.run),
      bare: await ms(() => bareW3('mutable')),
      'bare-immer': await ms(() => bareW3('immer')),
      adk: await ms(adkW3()),
    },
  });
  const w4 = w4Workflow();
  const w4p = w4Pipe();
  report({
    workload: 'W4 storyflow',
    unit: 'ms per invocation',
    systems: {
      rxagents: await perInvocation(w4.run),
      'rxagents-pipe': await perInvocation(w4p.run),
      bare: await perInvocation(() => bareW4('mutable')),
      'bare-immer': await perInvocation(() => bareW4('immer')),
      adk: await perInvocation(adkW4()),
    },
  });

  // W5 scale: many sessions, then one long session at two sizes.
  const sessions = quick ? 2_000 : 10_000;
  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const { system } = w5Sessions();
  const t0 = performance.now();
  for (let i = 0; i < sessions; i++) await system.run();
  const sessionsMs = performance.now() - t0;
  globalThis.gc?.();
  const heapPerSession = (process.memoryUsage().heapUsed - heap0) / sessions;
  const [small, big] = quick ? [10_000, 100_000] : [100_000, 1_000_000];
  const once = async (f: () => Promise<unknown>) => {
    const t = performance.now();
    await f();
    return performance.now() - t;
  };
  await once(w5Long(small).run); // warm-up
  await once(() => bareW5Long(small));
  const rxSmall = await once(w5Long(small).run);
  const rxBig = await once(w5Long(big).run);
  const bareSmall = await once(() => bareW5Long(small));
  const bareBig = await once(() => bareW5Long(big));
  const w5 = {
    sessions,
    sessionsMs,
    msPerSession: sessionsMs / sessions,
    heapBytesPerSession: heapPerSession,
    gcExposed: typeof globalThis.gc === 'function',
    long: {
      small,
      big,
      rxagents: { small: rxSmall, big: rxBig, ratio: rxBig / rxSmall },
      bare: { small: bareSmall, big: bareBig, ratio: bareBig / bareSmall },
    },
  };
  console.log(
    `W5 scale sessions=${sessions} rxagents=${fmt(sessionsMs)}ms (${fmt(w5.msPerSession)} ms/session, ${Math.round(heapPerSession)} B heap/session)`,
  );
  console.log(
    `W5 long ${small}→${big} events rxagents=${fmt(rxSmall)}→${fmt(rxBig)}ms ratio=${w5.long.rxagents.ratio.toFixed(2)} bare=${fmt(bareSmall)}→${fmt(bareBig)}ms ratio=${w5.long.bare.ratio.toFixed(2)}`,
  );

  const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'results', 'latest.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, quick, warmup, reps, w4Batch, rows, w5 }, null, 2)}\n`,
  );
  console.log(`wrote ${out}`);
}

await main();
