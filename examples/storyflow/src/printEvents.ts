import { type Event, hasStateDelta, textOf } from '@rxagents/core';
import { type MonoTypeOperatorFunction, tap } from 'rxjs';

/** ANSI styling, or none (`NO_COLOR`, or output that is not a terminal). */
export const color = (code: number, reset: number) => (s: string) =>
  process.stdout.isTTY === true && process.env.NO_COLOR === undefined ? `\x1b[${code}m${s}\x1b[${reset}m` : s;
const dim = color(2, 22);
const bold = color(1, 22);
const cyan = color(36, 39);
const yellow = color(33, 39);
const red = color(31, 39);

function short(value: unknown, max = 72): string {
  const json = typeof value === 'string' ? value : JSON.stringify(value);
  return JSON.stringify(json.length > max ? `${json.slice(0, max - 1)}…` : json);
}

/**
 * Prints a live event stream readably: a header per agent turn (author and branch), streamed text
 * as it arrives, then the state changes each complete event commits.
 */
export function printEvents(write: (chunk: string) => void): MonoTypeOperatorFunction<Event> {
  let streaming: string | undefined;
  const header = (event: Event) => write(`\n${bold(cyan(event.author))} ${dim(`[${event.branch}]`)}\n  `);
  return tap((event) => {
    if (event.partial === true) {
      if (streaming !== event.branch) header(event);
      streaming = event.branch;
      write(textOf(event.content));
      return;
    }
    if (streaming === event.branch) write('\n');
    else if (event.content !== undefined || event.errorCode !== undefined) {
      header(event);
      write(`${textOf(event.content)}\n`);
    }
    streaming = undefined;
    if (event.errorCode !== undefined)
      write(`  ${red(`error ${event.errorCode}: ${event.errorMessage ?? ''}`)}\n`);
    if (hasStateDelta(event)) {
      for (const [key, value] of Object.entries(event.actions.stateDelta)) {
        write(`  ${yellow('state')} ${key} = ${short(value)}\n`);
      }
    }
  });
}
