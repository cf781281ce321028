import spinners from 'cli-spinners';
import { createLogUpdate } from 'log-update';
import { pc } from './colors.js';
import { formatDuration } from './renderTimeline.js';
import type { CliIo } from './runCommand.js';

/** Exit codes of a deployment followed to its end, by final status (`rxagents deploy --exit`). */
export const EXIT_BY_STATUS: Readonly<Record<string, number>> = { completed: 0, failed: 1, stopped: 3 };

/** The mark before a deployment's status line: ✔ ✖ ■ once it has ended, the spinner while not. */
export function statusMark(status: string, spinner: string): string {
  return status === 'completed'
    ? pc.green('✔')
    : status === 'failed'
      ? pc.red('✖')
      : status === 'stopped'
        ? pc.yellow('■')
        : status === 'waiting'
          ? pc.yellow('?')
          : spinner;
}

/** @internal A status line kept live below printed lines (see {@link liveStatusLine}). */
export interface LiveStatusLine {
  /** Whether the line is drawn live (a terminal); otherwise the caller prints status changes. */
  readonly live: boolean;
  /** Prints lines above the status line (plainly when not a terminal). */
  print(...lines: readonly string[]): void;
  /** Redraws the status line now (a no-op when not a terminal). */
  update(): void;
  /** Stops the spinner and leaves the last status line on the screen. */
  close(): void;
}

/**
 * @internal The terminal of `deploy`: log lines above, one status line below redrawn with a
 * spinner, through log-update. `render` gets the spinner frame and the elapsed time, coloured.
 * Not a terminal: nothing is redrawn and lines are printed as they come.
 */
export function liveStatusLine(
  io: CliIo,
  render: (spinner: string, elapsed: string) => string,
): LiveStatusLine {
  const out = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };
  const log = io.interactive
    ? createLogUpdate(io.stdout as NodeJS.WriteStream, { showCursor: false })
    : undefined;
  const spinner = spinners.dots;
  const started = performance.now();
  let frame = 0;
  const line = (): string =>
    render(
      pc.cyan(spinner.frames[frame % spinner.frames.length]!),
      pc.dim(formatDuration(performance.now() - started)),
    );
  const ticker =
    log === undefined
      ? undefined
      : setInterval(() => {
          frame++;
          log(line());
        }, spinner.interval);
  return {
    live: log !== undefined,
    print(...lines) {
      log?.clear();
      for (const l of lines) out(l);
      log?.(line());
    },
    update() {
      log?.(line());
    },
    close() {
      if (ticker !== undefined) clearInterval(ticker);
      log?.(line());
      log?.done();
    },
  };
}
