import { Observable } from 'rxjs';
import type { Event } from '../Event.js';
import type { InvocationContext } from '../InvocationContext.js';
import { BranchMerge } from './subscribers.js';

/**
 * The one merge of concurrent branches (`ParallelAgent`, `mergeWith`, a graph's fan-out): events
 * in the order they happen, at most `concurrency` branches at once, and an escalation that no
 * inner loop consumed ends the run after it is emitted, stopping the other branches. A branch that
 * pauses for input stops there; the others run to their own end (or pause), then the merge pauses
 * for all of their requests: one branch's pause never cancels another's work.
 *
 * One subscriber per branch and one object per run (`BranchMerge`), where `catchError` per branch,
 * `merge`, `takeWhile`, `concat` and two `defer`s made about five subscribers per branch (the
 * measured effect is in bench/README.md's ledger).
 * @param arms what each branch runs (sub-agents, a fan-out's targets)
 * @param open a branch's observable, made when the merge subscribes it: a run of a fan-out of
 *   100,000 agents makes no array of 100,000 runs ahead (W3 at 100,000 branches, two sets of
 *   alternated processes: 412 → 376 ms and 369 → 361 ms)
 * @param ctx the context of the agent that merges (where escalations are looked up)
 */
export function mergeBranches<T>(
  arms: readonly T[],
  open: (arm: T) => Observable<Event>,
  ctx: InvocationContext,
  concurrency = Number.POSITIVE_INFINITY,
): Observable<Event> {
  return new Observable<Event>((subscriber) => {
    const merge = new BranchMerge(subscriber, arms.length, (i) => open(arms[i]!), ctx, concurrency);
    subscriber.add(merge);
    merge.pump();
  });
}
