import { filter, map, type OperatorFunction, pipe } from 'rxjs';
import { type Event, hasStateDelta } from '../Event.js';
import type { StateDelta } from '../StateStore.js';

/** One committed state change and the agent that made it. */
export interface StateChange {
  readonly author: string;
  readonly branch: string;
  readonly delta: StateDelta;
  readonly eventId: string;
}

/**
 * Maps the events that change state to their deltas.
 * @example
 * ```ts
 * import { agent, InMemorySessionService, Runner, stateChanges, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: text('a draft') })));
 * const runner = new Runner({ appName: 'stories', agent: writer, sessionService: new InMemorySessionService() });
 * runner
 *   .run({ userId: 'u1', sessionId: 's1', newMessage: 'go' })
 *   .pipe(stateChanges())
 *   .subscribe((c) => console.log(c.author, c.delta));
 * ```
 */
export function stateChanges(): OperatorFunction<Event, StateChange> {
  return pipe(
    filter((event: Event) => event.partial !== true && hasStateDelta(event)),
    map((event) => ({
      author: event.author,
      branch: event.branch,
      delta: event.actions.stateDelta,
      eventId: event.id,
    })),
  );
}
