import { Observable, type OperatorFunction, type Subscription } from 'rxjs';

// One projected Observable: its values wait in `buffer` until every earlier one has completed.
interface Inner<R> {
  live: boolean;
  done: boolean;
  failed: boolean;
  error: unknown;
  readonly buffer: R[];
  subscription: Subscription | undefined;
}

/**
 * `concatMap(project)` that subscribes to each projected Observable as soon as its value arrives
 * instead of after the previous one completed, and still emits in the order of the values: a
 * later one's values are held until every earlier one has completed, and its error surfaces only
 * then. The `Runner` appends through it to a session service that keeps a session's appends in
 * order itself (`SessionService.appendsInOrder`): the appends that queue up behind one in flight
 * are then all in the service's hands at once, and it can store them together (in one statement)
 * instead of being handed one per round trip. A source error passes at once, as with concatMap;
 * unsubscribing unsubscribes every projected Observable still running.
 */
export function concatMapEager<T, R>(project: (value: T) => Observable<R>): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      // Running or finished-but-not-yet-emitted inners, oldest first; the head is live.
      const queue: Inner<R>[] = [];
      let sourceDone = false;
      // Hands over what is ready: a finished head's held values, then the next head's.
      const drain = () => {
        while (queue.length > 0) {
          const head = queue[0]!;
          head.live = true;
          for (const value of head.buffer.splice(0)) subscriber.next(value);
          // A value handed on above may have made the head complete, and its completion drained on.
          if (queue[0] !== head) continue;
          if (!head.done) return;
          if (head.failed) {
            subscriber.error(head.error);
            return;
          }
          queue.shift();
        }
        if (sourceDone) subscriber.complete();
      };
      const upstream = source.subscribe({
        next(value) {
          const inner: Inner<R> = {
            live: queue.length === 0,
            done: false,
            failed: false,
            error: undefined,
            buffer: [],
            subscription: undefined,
          };
          queue.push(inner);
          let projected: Observable<R>;
          try {
            projected = project(value);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          inner.subscription = projected.subscribe({
            next(result) {
              if (inner.live) subscriber.next(result);
              else inner.buffer.push(result);
            },
            error(error: unknown) {
              inner.done = true;
              inner.failed = true;
              inner.error = error;
              if (inner.live) subscriber.error(error);
            },
            complete() {
              inner.done = true;
              if (inner.live) {
                queue.shift();
                drain();
              }
            },
          });
        },
        error(error: unknown) {
          subscriber.error(error);
        },
        complete() {
          sourceDone = true;
          if (queue.length === 0) subscriber.complete();
        },
      });
      return () => {
        upstream.unsubscribe();
        for (const inner of queue) inner.subscription?.unsubscribe();
      };
    });
}
