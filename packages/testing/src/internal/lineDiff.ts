/** One line of a diff: common to both sides, only expected (`-`) or only actual (`+`). */
export interface DiffLine {
  readonly kind: ' ' | '-' | '+';
  readonly text: string;
}

// Beyond this many lines on each side the O(n·m) table is skipped and both sides are listed.
const MAX_LINES = 2_000;

/** A line diff of `expected` against `actual` (longest common subsequence). */
export function lineDiff(expected: readonly string[], actual: readonly string[]): DiffLine[] {
  const n = expected.length;
  const m = actual.length;
  if (n > MAX_LINES || m > MAX_LINES) {
    return [
      ...expected.map((text): DiffLine => ({ kind: '-', text })),
      ...actual.map((text): DiffLine => ({ kind: '+', text })),
    ];
  }
  // lcs[i][j]: length of the longest common subsequence of expected[i..] and actual[j..].
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i]!;
    const below = lcs[i + 1]!;
    for (let j = m - 1; j >= 0; j--) {
      row[j] = expected[i] === actual[j] ? below[j + 1]! + 1 : Math.max(below[j]!, row[j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (expected[i] === actual[j]) {
      out.push({ kind: ' ', text: expected[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) {
      out.push({ kind: '-', text: expected[i++]! });
    } else {
      out.push({ kind: '+', text: actual[j++]! });
    }
  }
  while (i < n) out.push({ kind: '-', text: expected[i++]! });
  while (j < m) out.push({ kind: '+', text: actual[j++]! });
  return out;
}

/** Renders a diff, folding runs of more than `context * 2` unchanged lines. */
export function renderDiff(lines: readonly DiffLine[], context = 3): string {
  const out: string[] = [];
  let run: string[] = [];
  const flush = (atStart: boolean, atEnd: boolean): void => {
    const keepHead = atStart ? 0 : context;
    const keepTail = atEnd ? 0 : context;
    if (run.length > keepHead + keepTail + 1) {
      out.push(...run.slice(0, keepHead));
      out.push(`  … ${run.length - keepHead - keepTail} unchanged lines`);
      out.push(...run.slice(run.length - keepTail));
    } else {
      out.push(...run);
    }
    run = [];
  };
  let started = false;
  for (const line of lines) {
    if (line.kind === ' ') {
      run.push(`  ${line.text}`);
    } else {
      flush(!started, false);
      started = true;
      out.push(`${line.kind} ${line.text}`);
    }
  }
  flush(!started, true);
  return out.join('\n');
}
