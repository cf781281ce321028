import type { Observer, Subscribable, Subscriber, Unsubscribable } from 'rxjs';
import { LazyAbortScope } from './LazyAbortScope.js';

// PERFORMANCE TRICK, fenced here: one `fromAbortable` subscription is this one object (the scope
// its factory is given, the observer of the factory's result and the subscription's teardown)
// instead of a scope, an observer literal with three closures and a teardown closure. Every model
// call and every tool call of an LlmAgent goes through it. Measured with callgrind
// (bench/count.sh, 10 → 210 runs, instructions per run): W4 storyflow-llm 4.15M → 3.94M (−5.0%),
// tools10 9.57M → 9.53M (−0.4%); a rebuild that only renamed a field gave 4.20M and 10.16M, so
// the effect is inside that method's build-to-build spread (about 60% of its count is TurboFan
// compiling, which moves with code shape). What it removes is certain: four closures a call.

/**
 * The state of one `fromAbortable` subscription: relays the factory's result to `subscriber`, and
 * aborts the scope's signal when unsubscribed before the result completed or failed.
 */
export class AbortableObserver<T> extends LazyAbortScope implements Observer<T>, Unsubscribable {
  private settled = false;
  private inner: Unsubscribable | undefined;

  constructor(
    private readonly subscriber: Subscriber<T>,
    private readonly reasonOf: (() => unknown) | undefined,
  ) {
    super();
  }

  /** Subscribes to the factory's result; called once, right after construction. */
  listen(result: Subscribable<T>): this {
    this.inner = result.subscribe(this);
    return this;
  }

  next(value: T): void {
    this.subscriber.next(value);
  }

  error(error: unknown): void {
    this.settled = true;
    this.subscriber.error(error);
  }

  complete(): void {
    this.settled = true;
    this.subscriber.complete();
  }

  unsubscribe(): void {
    this.inner?.unsubscribe();
    if (!this.settled) this.abort(this.reasonOf?.());
  }
}
