/** Timing helpers: warm-up, repetitions, median and spread. */
export interface Sample {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly q1: number;
  readonly q3: number;
  readonly runs: number;
}

function quantile(sorted: readonly number[], q: number): number {
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

/** Runs `fn` `warmup` times unmeasured, then `reps` times measured; returns ms per run. */
export async function measure(fn: () => Promise<void> | void, warmup: number, reps: number): Promise<Sample> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return summarise(times);
}

/**
 * Measures several systems on one workload, interleaved: after `warmup` unmeasured runs of each,
 * every repetition runs each system once, starting with a different one each time. Slow drifts of
 * a shared machine (another test suite starting) and JIT/GC state then hit every system alike,
 * instead of whichever happened to be measured during the disturbance. `batch` runs per sample.
 */
export async function compare(
  systems: Readonly<Record<string, () => Promise<unknown>>>,
  warmup: number,
  reps: number,
  batch = 1,
): Promise<Record<string, Sample>> {
  const names = Object.keys(systems);
  const fns = names.map((name) => systems[name]!);
  const times: number[][] = names.map(() => []);
  for (let i = 0; i < warmup; i++) for (const fn of fns) for (let b = 0; b < batch; b++) await fn();
  for (let r = 0; r < reps; r++) {
    for (let k = 0; k < fns.length; k++) {
      const idx = (r + k) % fns.length;
      const fn = fns[idx]!;
      const t0 = performance.now();
      for (let b = 0; b < batch; b++) await fn();
      times[idx]!.push((performance.now() - t0) / batch);
    }
  }
  const out: Record<string, Sample> = {};
  names.forEach((name, i) => {
    out[name] = summarise(times[i]!);
  });
  return out;
}
