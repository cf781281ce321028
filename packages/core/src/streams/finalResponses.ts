import { filter, type OperatorFunction } from 'rxjs';
import { type Event, isFinalResponse } from '../Event.js';

/**
 * Keeps the events that are an agent's final word for its turn ({@link isFinalResponse}) and say
 * something: an event with no content (a loop's escalation, a status event carrying only a state
 * delta) ends a turn for the framework but is not an answer to show a user. ADK's
 * `is_final_response` is meant the same way: "the final response to display".
 * @example
 * ```ts
 * import { agent, finalResponses, InMemorySessionService, Runner, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: text('a draft') })));
 * const runner = new Runner({ appName: 'stories', agent: writer, sessionService: new InMemorySessionService() });
 * runner
 *   .run({ userId: 'u1', sessionId: 's1', newMessage: 'go' })
 *   .pipe(finalResponses())
 *   .subscribe((e) => console.log(e.author, e.content));
 * ```
 */
export function finalResponses(): OperatorFunction<Event, Event> {
  return filter((event) => isFinalResponse(event) && (event.content?.parts.length ?? 0) > 0);
}
