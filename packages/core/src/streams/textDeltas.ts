import { defer, filter, map, type OperatorFunction } from 'rxjs';
import { textOf } from '../Content.js';
import type { Event } from '../Event.js';

/** A piece of streamed text and where it came from. */
export interface TextDelta {
  readonly author: string;
  readonly branch: string;
  readonly text: string;
}

/**
 * Maps partial (streamed) events to their text chunks, for typing-effect UIs. The complete
 * event that closes a stream is skipped, so concatenating the deltas of a branch gives its text;
 * a complete event that was not streamed yields its whole text once.
 * @example
 * ```ts
 * import { agent, InMemorySessionService, Runner, text, textDeltas } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: text('a draft') })));
 * const runner = new Runner({ appName: 'stories', agent: writer, sessionService: new InMemorySessionService() });
 * runner
 *   .run({ userId: 'u1', sessionId: 's1', newMessage: 'go' })
 *   .pipe(textDeltas())
 *   .subscribe((d) => process.stdout.write(d.text));
 * ```
 */
export function textDeltas(): OperatorFunction<Event, TextDelta> {
  return (source) =>
    defer(() => {
      // Branches whose current turn is being streamed; per subscription, so re-subscribing starts clean.
      const streaming = new Set<string>();
      return source.pipe(
        filter((event) => {
          if (event.partial === true) {
            streaming.add(event.branch);
            return true;
          }
          return !streaming.delete(event.branch);
        }),
        map((event) => ({ author: event.author, branch: event.branch, text: textOf(event.content) })),
        filter((delta) => delta.text !== ''),
      );
    });
}
