import { isTerminalStatus, type StatusUpdate, type WorkloadClient } from '@rxagents/workloads';

/**
 * The lines of `fetched` (the last lines of a log) that come after `seen` (the last lines already
 * printed, at least as many as `fetched` holds): the longest prefix of `fetched` that is a suffix
 * of `seen` is old. The log is a capped Redis list read by position from its end, so positions
 * shift as it is trimmed and lines are matched by content instead (each carries its timestamp).
 */
export function newLines(seen: readonly string[], fetched: readonly string[]): string[] {
  for (let overlap = Math.min(seen.length, fetched.length); overlap > 0; overlap--) {
    let same = true;
    for (let i = 0; i < overlap; i++) {
      if (fetched[i] !== seen[seen.length - overlap + i]) {
        same = false;
        break;
      }
    }
    if (same) return fetched.slice(overlap);
  }
  return [...fetched];
}

/** Lines read per poll, and kept as the already-printed tail. */
export const FOLLOW_WINDOW = 200;
/** How often a follower polls Redis. */
export const FOLLOW_INTERVAL_MS = 250;

/** What ended a {@link followDeployment}. */
export type FollowEnd =
  | { readonly type: 'ended'; readonly status: StatusUpdate }
  | { readonly type: 'gone' }
  | { readonly type: 'interrupted' };

/** How to follow a deployment: what was printed, where new lines go, what stops following. */
export interface FollowOptions {
  /** The log lines already printed (the last {@link FOLLOW_WINDOW}, or all of them). */
  readonly seen: readonly string[];
  readonly onLines: (lines: readonly string[]) => void;
  readonly onStatus?: (status: StatusUpdate) => void;
  readonly signal: AbortSignal;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Follows a deployment by polling its client (a `DistributedWorkload` has no live log stream):
 * calls `onStatus` with each change of phase or status and `onLines` with new log lines, until the
 * deployment ends (`completed`, `failed` or `stopped`), is cleaned up, or `signal` aborts.
 * Status is read before the log on each poll, and a worker writes a final status together with
 * its log line, so the last poll prints every line of the run.

 */
export async function followDeployment(
  workload: WorkloadClient,
  id: string,
  options: FollowOptions,
): Promise<FollowEnd> {
  let seen = options.seen.slice(-FOLLOW_WINDOW);
  let last: StatusUpdate | undefined;
  for (;;) {
    if (options.signal.aborted) return { type: 'interrupted' };
    let status: StatusUpdate;
    let lines: readonly string[];
    try {
      status = await workload.status(id);
      lines = await workload.logs(id, FOLLOW_WINDOW);
    } catch (error: unknown) {
      if ((error as { code?: unknown }).code === 'DEPLOYMENT_NOT_FOUND') return { type: 'gone' };
      throw error;
    }
    if (options.signal.aborted) return { type: 'interrupted' };
    const fresh = newLines(seen, lines);
    if (fresh.length > 0) {
      seen = [...seen, ...fresh].slice(-FOLLOW_WINDOW);
      options.onLines(fresh);
    }
    if (last === undefined || last.phase !== status.phase || last.status !== status.status) {
      last = status;
      options.onStatus?.(status);
    }
    if (isTerminalStatus(status.status)) return { type: 'ended', status };
    await sleep(FOLLOW_INTERVAL_MS, options.signal);
  }
}
