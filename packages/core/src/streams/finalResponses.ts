import { filter, type OperatorFunction } from 'rxjs';
import { type Event, isFinalResponse } from '../Event.js';

/**
 * Keeps the events that are an agent's final word for its turn ({@link isFinalResponse}).
 * @example
 * ```ts
 * import { finalResponses } from '@rxagents/core';
 * runner.run(request).pipe(finalResponses()).subscribe((e) => console.log(e.author, e.content));
 * ```
 */
export function finalResponses(): OperatorFunction<Event, Event> {
  return filter(isFinalResponse);
}
