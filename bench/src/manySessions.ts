/**
 * W5 many sessions: what a many-sessions system is (each run adds one session to one store) and
 * the measurement of it (time and retained heap per session), shared by main.ts and scale.ts.
 */

/** What one stored session holds, as the W5 end-state check compares it. */
export interface SessionView {
  /** Events in the session's log (the user's included). */
  readonly events: number;
  readonly state: Readonly<Record<string, unknown>>;
}

/**
 * A W5 system: each `run` adds one session (one small invocation) to the one store it keeps, and
 * is never reset (the sessions piling up is what W5 measures); `sessions` lists what the store holds.
 */
export interface SessionsSystem {
  readonly run: () => Promise<number>;
  readonly sessions: () => Promise<readonly SessionView[]>;
}

// Runs (and so the session services in their closures) kept reachable until `releaseSessions`:
// main.ts never calls it (every service lives to the end, as before); scale.ts does after each
// reading, or five rounds of 100,000 sessions per system would all stay on the heap.
const keepAlive = new Set<unknown>();

/** Lets the runs measured so far (and their sessions) be collected. */
export function releaseSessions(): void {
  keepAlive.clear();
}

/** Time (ms, all sessions and per session) and heap growth per session of one measurement. */
export interface ManySessions {
  readonly ms: number;
  readonly msPerSession: number;
  readonly heapBytesPerSession: number;
}

/**
 * W5 many sessions: time and retained heap per session, all sessions in one session service.
 * `run` is held until after the second heap reading: the session service lives in its closure,
 * and V8 may collect it as soon as the function is no longer used (which made ADK's sessions look
 * almost free in an earlier version of this harness).
 */
export async function manySessions(run: () => Promise<unknown>, sessions: number): Promise<ManySessions> {
  const gc = () => {
    globalThis.gc?.();
    globalThis.gc?.();
  };
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  for (let i = 0; i < sessions; i++) await run();
  const ms = performance.now() - t0;
  gc();
  const heapBytesPerSession = (process.memoryUsage().heapUsed - heap0) / sessions;
  keepAlive.add(run);
  return { ms, msPerSession: ms / sessions, heapBytesPerSession };
}
