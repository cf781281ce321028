import { Observable, Subscriber } from 'rxjs';

/**
 * Concatenates `next()`'s streams until it returns `undefined`, asking for the next one only after
 * the previous completed (the shape of core's `concatIndexed`).
 *
 * Why not a recursive `concat(step, defer(() => loop()))`: RxJS starts the next source from inside
 * the previous one's completion, so a long synchronous tool loop would grow the stack. Synchronous
 * completions are trampolined in a `while` loop, and each inner subscriber is chained to the outer
 * one, so unsubscribing during a synchronous step (a downstream `take`) stops that step at once.
 */
export function iterate<T>(next: () => Observable<T> | undefined): Observable<T> {
  return new Observable<T>((subscriber) => {
    let active = false;
    let completedSync = false;
    const subscribeNext = (): void => {
      while (!subscriber.closed) {
        const source = next();
        if (source === undefined) {
          subscriber.complete();
          return;
        }
        completedSync = false;
        active = true;
        const inner: Subscriber<T> = new Subscriber<T>({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            subscriber.remove(inner);
            if (active) completedSync = true;
            else subscribeNext();
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
