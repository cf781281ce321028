import { filter, type MonoTypeOperatorFunction } from 'rxjs';
import type { Event } from '../Event.js';

/**
 * Keeps the events authored by the named agent (or `'user'`).
 * @example
 * ```ts
 * import { byAuthor } from '@rxagents/core';
 * runner.run(request).pipe(byAuthor('critic'));
 * ```
 */
export function byAuthor(name: string): MonoTypeOperatorFunction<Event> {
  return filter((event) => event.author === name);
}
