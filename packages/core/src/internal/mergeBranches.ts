import { merge, type Observable, takeWhile } from 'rxjs';
import type { Event } from '../Event.js';
import type { InvocationContext } from '../InvocationContext.js';

/**
 * The one merge of concurrent branches (`ParallelAgent`, `mergeWith`, a graph's fan-out): events
 * in the order they happen, at most `concurrency` branches at once, and an escalation that no
 * inner loop consumed ends the run after it is emitted, stopping the other branches.
 * @param ctx the context of the agent that merges (where escalations are looked up)
 */
export function mergeBranches(
  branches: readonly Observable<Event>[],
  ctx: InvocationContext,
  concurrency?: number,
): Observable<Event> {
  const merged = concurrency === undefined ? merge(...branches) : merge(...branches, concurrency);
  return merged.pipe(takeWhile((event) => !ctx.isUnconsumedEscalation(event), true));
}
