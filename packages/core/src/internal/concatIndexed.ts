import { Observable, Subscriber } from 'rxjs';

/**
 * Subscribes `project(0)`, then `project(1)` when it completes, … up to `count` sources, like
 * `concat` over a lazily produced list.
 *
 * Why not `concat` / `repeat`: in RxJS 7 both start the next source from inside the previous
 * one's completion, so a long run of synchronous sources (a loop of instant agents, a sequence of
 * thousands) grows the stack until it overflows — `of(1).pipe(repeat(10_000))` stops after ~4k
 * values. Here synchronous completions are trampolined in a `while` loop.
 *
 * Each inner subscriber is chained to the outer one, so a synchronous infinite source sees the
 * outer subscriber close (e.g. a downstream `takeWhile`) and stops.
 */
export function concatIndexed<T>(count: number, project: (index: number) => Observable<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    let index = 0;
    let active = false;
    let completedSync = false;
    const subscribeNext = (): void => {
      while (!subscriber.closed) {
        if (index >= count) {
          subscriber.complete();
          return;
        }
        const source = project(index++);
        completedSync = false;
        active = true;
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
