/** Timing helpers: warm-up, repetitions, median and spread. */
export interface Sample {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly q1: number;
  readonly q3: number;
  readonly runs: number;
  /** Runs timed together per sample (set by `compare`). */
  readonly runsPerSample?: number;
}

/** The `q` quantile (0..1) of ascending `sorted`, interpolated; NaN when empty. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (pos - lo);
}

export function summarise(times: readonly number[]): Sample {
  const s = [...times].sort((x, y) => x - y);
  return {
    median: quantile(s, 0.5),
    min: s[0] ?? Number.NaN,
    max: s[s.length - 1] ?? Number.NaN,
    q1: quantile(s, 0.25),
    q3: quantile(s, 0.75),
    runs: s.length,
  };
}

/** How {@link compare} warms up and samples. */
export interface CompareOptions {
  /** Rounds: each takes a block of samples of every system in turn. */
  readonly rounds: number;
  /** Samples per system per round. */
  readonly samples: number;
  /** Warm-up of a system before its block: at least this long (ms; the first round's is 5×)… */
  readonly warmupMillis: number;
  /** …and at least this many runs. */
  readonly warmupRuns: number;
  /** Duration of one sample, at least (ms): a fast system's sample is that many runs in a row. */
  readonly sampleMillis: number;
  /**
   * The clock (ms). Default `performance.now`; the harness's own test passes a virtual one, so
   * what it checks (rotation, resets, runs per sample) does not depend on the machine's load.
   */
  readonly now?: () => number;
}

/** The full run's method (main.ts without `--quick`, and isolated.ts). */
export const FULL: CompareOptions = {
  rounds: 5,
  samples: 7,
  warmupMillis: 100,
  warmupRuns: 3,
  sampleMillis: 50,
};
/** The quick run's method: fewer rounds and shorter samples. */
export const QUICK: CompareOptions = {
  rounds: 3,
  samples: 5,
  warmupMillis: 100,
  warmupRuns: 2,
  sampleMillis: 30,
};

const forceGc = (globalThis as { gc?: () => void }).gc;

/**
 * A system on a workload: a run function, or one with `reset`, which `compare` calls (untimed)
 * before each timed stretch so that sessions kept by earlier samples do not pile up on the heap.
 */
export type System =
  | (() => Promise<unknown>)
  | { readonly run: () => Promise<unknown>; readonly reset?: () => void };

/**
 * Measures several systems on one workload in one process, in blocks.
 *
 * Each round measures every system in turn (starting with a different one each round), as a block:
 * a full garbage collection, a warm-up, then `samples` samples of consecutive runs, each sample
 * lasting at least `sampleMillis`. So every sample is of a system in its steady state, while slow
 * drifts of a shared machine still hit every system across the rounds. (Interleaving single runs
 * instead, as this harness first did, measured a one-millisecond workload right after another
 * system's twenty-millisecond or hundred-millisecond run, with the young generation, the caches
 * and the concurrent GC as that system left them: bare RxJS measured 2.6× its steady-state time
 * that way, rxagents 1.5×, ADK's long runs 1.0×.) Times are per run.
 */
export async function compare(
  systems: Readonly<Record<string, System>>,
  options: CompareOptions,
): Promise<Record<string, Sample>> {
  const { rounds, samples, warmupMillis, warmupRuns, sampleMillis } = options;
  const now = options.now ?? (() => performance.now());
  const names = Object.keys(systems);
  const times: number[][] = names.map(() => []);
  const perSample: number[] = names.map(() => 1);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const idx = (r + k) % names.length;
      const system = systems[names[idx]!]!;
      const fn = typeof system === 'function' ? system : system.run;
      const reset = typeof system === 'function' ? undefined : system.reset;
      // Each timed stretch starts on an empty session service (reset is not timed).
      const timed = async (n: number) => {
        reset?.();
        const t0 = now();
        for (let b = 0; b < n; b++) await fn();
        return now() - t0;
      };
      forceGc?.();
      let warmMs = 0;
      let warmRuns = 0;
      const minMs = r === 0 ? 5 * warmupMillis : warmupMillis;
      while (warmMs < minMs || warmRuns < warmupRuns) {
        warmMs += await timed(1);
        warmRuns++;
      }
      const n = Math.max(1, Math.ceil(sampleMillis / (warmMs / warmRuns)));
      perSample[idx] = n;
      for (let s = 0; s < samples; s++) times[idx]!.push((await timed(n)) / n);
    }
  }
  const out: Record<string, Sample> = {};
  names.forEach((name, i) => {
    out[name] = { ...summarise(times[i]!), runsPerSample: perSample[i]! };
  });
  return out;
}
