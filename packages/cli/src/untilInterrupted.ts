import type { CliIo } from './runCommand.js';

/** Resolves at the first Ctrl-C (or SIGINT): how a serving command knows to shut down. */
export function untilInterrupted(io: CliIo): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = io.onInterrupt(() => {
      stop();
      resolve();
    });
  });
}
