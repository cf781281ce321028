import { Observable, Subscriber, type Unsubscribable } from 'rxjs';

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

// One subscription of a concatLazy, and its inner subscriber per source below: two small classes
// instead of a closure per subscription and an observer with three closures per source (a loop
// of instant agents makes one source per iteration).
class ConcatLazyRun<T> implements Unsubscribable {
  private index = 0;
  private active = false;
  private completedSync = false;
  private current: ConcatLazyInner<T> | undefined;

  constructor(
    readonly subscriber: Subscriber<T>,
    private readonly next: (index: number) => Observable<T> | undefined,
  ) {}

  subscribeNext(): void {
    const subscriber = this.subscriber;
    while (!subscriber.closed) {
      let source: Observable<T> | undefined;
      try {
        source = this.next(this.index++);
      } catch (error) {
        // Reached from an inner completion, a throw would go to whoever completed it: fail here.
        subscriber.error(error);
        return;
      }
      if (source === undefined) {
        subscriber.complete();
        return;
      }
      this.completedSync = false;
      this.active = true;
      const inner = new ConcatLazyInner(this);
      this.current = inner;
      source.subscribe(inner);
      this.active = false;
      if (!this.completedSync) return;
    }
  }

  unsubscribe(): void {
    const current = this.current;
    this.current = undefined;
    current?.unsubscribe();
  }

  innerCompleted(): void {
    if (this.active) {
      this.completedSync = true;
    } else {
      this.subscribeNext();
    }
  }
}

// An inner subscriber, not chained to the outer one (the run tears it down): values and errors go
// straight to the outer subscriber; completion starts the next source.
class ConcatLazyInner<T> extends Subscriber<T> {
  constructor(private readonly run: ConcatLazyRun<T>) {
    super();
  }

  // `next` itself, without Subscriber.next's megamorphic dispatch to `_next` (see AgentRun).
  override next(value: T): void {
    if (this.isStopped) super.next(value);
    else this.run.subscriber.next(value);
  }

  protected override _error(error: unknown): void {
    try {
      this.run.subscriber.error(error);
    } finally {
      this.unsubscribe();
    }
  }

  protected override _complete(): void {
    // Tear this source down before the next one starts.
    this.unsubscribe();
    this.run.innerCompleted();
  }
}
