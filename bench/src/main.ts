/** rxagents bench: W1–W5 for rxagents, bare RxJS (mutable / immer) and @google/adk; `--quick` for a short run. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adkW1, adkW2, adkW3, adkW4, adkW5Long, adkW5Sessions } from './adk.js';
import { bareW1, bareW2, bareW3, bareW4, bareW5Long } from './bare.js';
import { w1Pipe, w1Workflow, w2Workflow, w3Workflow, w4Pipe, w4Workflow, w5Long, w5Sessions } from './rx.js';
import { compare, type Sample } from './stats.js';

const quick = process.argv.includes('--quick');
const warmup = quick ? 10 : 20;
const reps = quick ? 21 : 31;
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

/** One workload: every system measured interleaved (see `compare`); `batch` runs per sample. */
async function workload(
  name: string,
  unit: string,
  systems: Readonly<Record<string, () => Promise<unknown>>>,
  batch = 1,
): Promise<void> {
  report({ workload: name, unit, systems: await compare(systems, warmup, reps, batch) });
}

async function once(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

/** W5 many sessions: time and retained heap per session, all sessions in one session service. */
async function manySessions(run: () => Promise<unknown>, sessions: number) {
  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  for (let i = 0; i < sessions; i++) await run();
  const ms = performance.now() - t0;
  globalThis.gc?.();
  const heapBytesPerSession = (process.memoryUsage().heapUsed - heap0) / sessions;
  return { ms, msPerSession: ms / sessions, heapBytesPerSession };
}

async function main(): Promise<void> {
  const w1 = w1Workflow();
  const w1p = w1Pipe();
  await workload('W1 deep-sequential', 'ms per run', {
    rxagents: w1.run,
    'rxagents-pipe': w1p.run,
    bare: () => bareW1('mutable'),
    'bare-immer': () => bareW1('immer'),
    adk: adkW1(),
  });
  const w2 = w2Workflow();
  await workload('W2 loop', 'ms per run', {
    rxagents: w2.run,
    bare: () => bareW2('mutable'),
    'bare-immer': () => bareW2('immer'),
    adk: adkW2(),
  });
  const w3 = w3Workflow();
  await workload('W3 fan-out', 'ms per run', {
    rxagents: w3.run,
    bare: () => bareW3('mutable'),
    'bare-immer': () => bareW3('immer'),
    adk: adkW3(),
  });
  const w4 = w4Workflow();
  const w4p = w4Pipe();
  await workload(
    'W4 storyflow',
    'ms per invocation',
    {
      rxagents: w4.run,
      'rxagents-pipe': w4p.run,
      bare: () => bareW4('mutable'),
      'bare-immer': () => bareW4('immer'),
      adk: adkW4(),
    },
    w4Batch,
  );

  // W5 scale: many sessions, then one long session at two sizes.
  const sessions = quick ? 2_000 : 10_000;
  const rxSessions = await manySessions(w5Sessions().system.run, sessions);
  const adkSessions = await manySessions(adkW5Sessions(), sessions);
  const [small, big] = quick ? [10_000, 100_000] : [100_000, 1_000_000];
  const long = async (make: (n: number) => () => Promise<unknown>, s0 = small, b0 = big) => {
    await once(make(s0)); // warm-up
    const s = await once(make(s0));
    const b = await once(make(b0));
    return { smallEvents: s0, bigEvents: b0, small: s, big: b, ratio: b / s };
  };
  // ADK's long session grows worse than linearly (1k events 0.1 s, 4k 1 s, 10k 18 s here): it is
  // measured at 1k and 4k events, where linear would be a ratio of 4.
  const [adkSmall, adkBig] = [1_000, 4_000];
  const w5 = {
    sessions,
    gcExposed: typeof globalThis.gc === 'function',
    rxagents: rxSessions,
    adk: adkSessions,
    long: {
      small,
      big,
      rxagents: await long((n) => w5Long(n).run),
      bare: await long((n) => () => bareW5Long(n)),
      adk: await long(adkW5Long, adkSmall, adkBig),
    },
  };
  const heap = (x: { heapBytesPerSession: number }) => `${Math.round(x.heapBytesPerSession)} B heap/session`;
  console.log(
    `W5 scale sessions=${sessions} rxagents=${fmt(rxSessions.ms)}ms (${fmt(rxSessions.msPerSession)} ms/session, ${heap(rxSessions)}) adk=${fmt(adkSessions.ms)}ms (${fmt(adkSessions.msPerSession)} ms/session, ${heap(adkSessions)}) vs-adk=${(adkSessions.ms / rxSessions.ms).toFixed(2)}x`,
  );
  const l = w5.long;
  const line = (k: 'rxagents' | 'bare' | 'adk') =>
    `${k}=${fmt(l[k].small)}→${fmt(l[k].big)}ms ratio=${l[k].ratio.toFixed(2)}`;
  console.log(
    `W5 long ${small}→${big} events ${line('rxagents')} ${line('bare')}; ${adkSmall}→${adkBig} events ${line('adk')} (linear: ${adkBig / adkSmall})`,
  );

  const json = `${JSON.stringify({ date: new Date().toISOString(), node: process.version, quick, warmup, reps, w4Batch, rows, w5 }, null, 2)}\n`;
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(dir, { recursive: true });
  // latest.json is the last run of either kind; the other two keep the last of each kind.
  for (const file of ['latest.json', quick ? 'latest-quick.json' : 'latest-full.json']) {
    writeFileSync(join(dir, file), json);
  }
  const out = join(dir, 'latest.json');
  console.log(`wrote ${out}`);
}

await main();
