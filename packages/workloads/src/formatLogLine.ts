/**
 * One deployment log line: `[YYYY-MM-DD HH:MM:SS] message`, the time in UTC from scheduler
 * milliseconds. Every log of a deployment is written with it — `GoalSeekingAgent.logs`, the
 * Redis log of a distributed deployment — so a line reads the same wherever it was written.
 *
 * @example
 * ```ts
 * import { formatLogLine } from '@rxagents/workloads';
 * formatLogLine(0, 'Cleaned up'); // '[1970-01-01 00:00:00] Cleaned up'
 * ```
 * @param at milliseconds since the epoch (a scheduler's `now()`)
 */
export function formatLogLine(at: number, message: string): string {
  const iso = new Date(at).toISOString();
  return `[${iso.slice(0, 10)} ${iso.slice(11, 19)}] ${message}`;
}
