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
