import { Observable } from 'rxjs';
import { ConcatLazyRun } from './internal/subscribers.js';

/**
 * Concatenates the Observables `next(0)`, `next(1)`, … produced one at a time, each only after the
 * previous one completed, until `next` returns `undefined`: `concat` over a lazily produced list.
 *
 * Why not `concat` / `repeat` / a recursive `concat(step, defer(() => again()))`: in RxJS 7 they
 * start the next source from inside the previous one's completion, so a long run of synchronous
 * sources (a loop of instant agents, a sequence of thousands, a long tool loop) grows the stack
 * until it overflows — `of(1).pipe(repeat(10_000))` stops after ~4k values. Here synchronous
 * completions are trampolined in a `while` loop. Unsubscribing the outer subscriber (a downstream
 * `take`) unsubscribes the current inner one at once, so a synchronous infinite source sees it
 * close and stops.
 *
 * @example
 * ```ts
 * import { concatLazy } from '@rxagents/core';
 * import { of } from 'rxjs';
 * concatLazy((i) => (i < 100_000 ? of(i) : undefined)).subscribe(); // no stack overflow
 * ```
 * @param next the source at an index, or `undefined` to complete
 */
export function concatLazy<T>(next: (index: number) => Observable<T> | undefined): Observable<T> {
  return new Observable<T>((subscriber) => {
    const run = new ConcatLazyRun(subscriber, next);
    // The run is the one finalizer on the outer subscriber: it tears down whichever source is
    // current. Inner subscribers are not chained to the outer one, which would add each to its
    // finalizer list and splice it out again on completion (a loop does that per iteration).
    subscriber.add(run);
    run.subscribeNext();
  });
}
