import { filter, type MonoTypeOperatorFunction } from 'rxjs';
import type { Event } from '../Event.js';

/**
 * Keeps the events on a branch or beneath it: `byBranch('root.checks')` keeps
 * `root.checks` and `root.checks.tone`, not `root.checksum`.
 * @example
 * ```ts
 * import { agent, byBranch, InMemorySessionService, Runner, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: text('a draft') })));
 * const runner = new Runner({ appName: 'stories', agent: writer, sessionService: new InMemorySessionService() });
 * runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }).pipe(byBranch('writer'));
 * ```
 */
export function byBranch(prefix: string): MonoTypeOperatorFunction<Event> {
  const nested = `${prefix}.`;
  return filter((event) => event.branch === prefix || event.branch.startsWith(nested));
}
