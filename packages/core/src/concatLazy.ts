import { Observable, Subscriber } from 'rxjs';

/**
 * Concatenates the Observables `next(0)`, `next(1)`, … produced one at a time, each only after the
 * previous one completed, until `next` returns `undefined`: `concat` over a lazily produced list.
 *
 * Why not `concat` / `repeat` / a recursive `concat(step, defer(() => again()))`: in RxJS 7 they
 * start the next source from inside the previous one's completion, so a long run of synchronous
 * sources (a loop of instant agents, a sequence of thousands, a long tool loop) grows the stack
 * until it overflows — `of(1).pipe(repeat(10_000))` stops after ~4k values. Here synchronous
 * completions are trampolined in a `while` loop. Each inner subscriber is chained to the outer
 * one, so a synchronous infinite source sees the outer subscriber close (a downstream `take`)
 * and stops.
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
    let index = 0;
    let active = false;
    let completedSync = false;
    const subscribeNext = (): void => {
      while (!subscriber.closed) {
        const source = next(index++);
        if (source === undefined) {
          subscriber.complete();
          return;
        }
        completedSync = false;
        active = true;
        // Subscriber's constructor is marked internal for RxJS 8; in RxJS 7 it is the public way
        // to chain an inner subscription to an outer subscriber.
        const inner: Subscriber<T> = new Subscriber<T>({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            subscriber.remove(inner);
            if (active) {
              completedSync = true;
            } else {
              subscribeNext();
            }
          },
        });
        subscriber.add(inner);
        source.subscribe(inner);
        active = false;
        if (!completedSync) return;
      }
    };
    subscribeNext();
  });
}
