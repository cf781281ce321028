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
 * import { stateChanges } from '@rxagents/core';
 * runner.run(request).pipe(stateChanges()).subscribe((c) => console.log(c.author, c.delta));
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
