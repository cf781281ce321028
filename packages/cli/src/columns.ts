import { pc } from './colors.js';

/**
 * A plain-text table: a dimmed header line, then one line per row, columns padded to their widest
 * cell and two spaces apart (the `list` / `status` tables of the local and backend commands).
 */
export function columns(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [pc.dim(line(head)), ...rows.map(line)];
}
