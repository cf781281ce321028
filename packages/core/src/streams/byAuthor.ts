import { filter, type MonoTypeOperatorFunction } from 'rxjs';
import type { Event } from '../Event.js';

/**
 * Keeps the events authored by the named agent (or `'user'`).
 * @example
 * ```ts
 * import { agent, byAuthor, InMemorySessionService, Runner, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: text('a draft') })));
 * const runner = new Runner({ appName: 'stories', agent: writer, sessionService: new InMemorySessionService() });
 * runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }).pipe(byAuthor('writer'));
 * ```
 */
export function byAuthor(name: string): MonoTypeOperatorFunction<Event> {
  return filter((event) => event.author === name);
}
