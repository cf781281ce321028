import { catchError, concat, defer, EMPTY, merge, type Observable, takeWhile, throwError } from 'rxjs';
import type { Event } from '../Event.js';
import type { InvocationContext } from '../InvocationContext.js';
import { InvocationPaused } from '../InvocationPaused.js';

/**
 * The one merge of concurrent branches (`ParallelAgent`, `mergeWith`, a graph's fan-out): events
 * in the order they happen, at most `concurrency` branches at once, and an escalation that no
 * inner loop consumed ends the run after it is emitted, stopping the other branches. A branch that
 * pauses for input stops there; the others run to their own end (or pause), then the merge pauses
 * for all of their requests: one branch's pause never cancels another's work.
 * @param ctx the context of the agent that merges (where escalations are looked up)
 */
export function mergeBranches(
  branches: readonly Observable<Event>[],
  ctx: InvocationContext,
  concurrency?: number,
): Observable<Event> {
  return defer(() => {
    let paused: string[] | undefined;
    const untilPaused = (error: unknown) => {
      if (!(error instanceof InvocationPaused)) return throwError(() => error);
      (paused ??= []).push(...error.requestIds);
      return EMPTY;
    };
    const caught = branches.map((branch) => branch.pipe(catchError(untilPaused)));
    const merged = concurrency === undefined ? merge(...caught) : merge(...caught, concurrency);
    return concat(
      merged.pipe(takeWhile((event) => !ctx.isUnconsumedEscalation(event), true)),
      defer(() => (paused === undefined ? EMPTY : throwError(() => new InvocationPaused(paused!)))),
    );
  });
}
