import type { AbortScope } from '../fromAbortable.js';

// PERFORMANCE TRICK, fenced here: the AbortController of a `fromAbortable` subscription is made
// when the factory first reads `signal`, as TanStack Query makes a query's signal. An
// AbortController and its signal are among the costliest objects of a model call (their GC
// weighs too), and an instant or scripted model never looks at them. Measured with callgrind on
// W4 storyflow-llm (8 model calls per invocation, bench/src/count.ts w4llm): a signal made for
// every call costs 2.43M instructions per invocation, made on first read 1.89M (−22%).

/** The scope of one `fromAbortable` subscription: a signal made on first read, aborted by `abort`. */
export class LazyAbortScope implements AbortScope {
  private controller: AbortController | undefined;
  // Aborted before the factory read the signal: a signal read from then on is already aborted.
  private aborted = false;
  private reason: unknown;

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}
