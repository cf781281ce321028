import type { CliIo } from './runCommand.js';

/**
 * Runs `work` with a signal that Ctrl-C (or SIGINT) aborts while it runs, and stops listening when
 * it settles: how a following command (`logs -f`, a distributed `deploy`) detaches on Ctrl-C.
 */
export async function withInterruptSignal<T>(
  io: CliIo,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const abort = new AbortController();
  const removeInterrupt = io.onInterrupt(() => abort.abort());
  try {
    return await work(abort.signal);
  } finally {
    removeInterrupt();
  }
}
