import { Observable, type SchedulerLike } from 'rxjs';
import type { GenerateOptions, LlmResponse } from '../Model.js';

// PERFORMANCE TRICK, fenced here: a model call's AbortSignal is made when the model first reads
// `options.signal`. An AbortController and its signal are among the costliest objects of a call,
// and an instant or scripted model never looks at them (their GC weighs too). Measured with
// callgrind on W4 storyflow-llm (8 model calls per invocation, bench/src/count.ts w4llm): the
// signal made eagerly through `fromAbortable` costs 2.43M instructions per invocation, this
// 1.89M (−22%, ~67k per call). Everything else that aborts on unsubscribe uses `fromAbortable`
// from @rxagents/core, which this mirrors with a lazy signal.

/**
 * Subscribes to `generate(options)` with options whose `signal` is aborted when the subscriber
 * leaves before the model completed or failed; the signal is made on its first read.
 */
export function withLazySignal(
  stream: boolean,
  scheduler: SchedulerLike,
  generate: (options: GenerateOptions) => Observable<LlmResponse>,
): Observable<LlmResponse> {
  return new Observable<LlmResponse>((subscriber) => {
    const options = new CallOptions(stream, scheduler);
    let settled = false;
    const subscription = generate(options).subscribe({
      next: (response) => subscriber.next(response),
      error: (error: unknown) => {
        settled = true;
        subscriber.error(error);
      },
      complete: () => {
        settled = true;
        subscriber.complete();
      },
    });
    return () => {
      subscription.unsubscribe();
      if (!settled) options.cancel();
    };
  });
}

// `signal` is an own enumerable accessor, so `{ ...options }` in a wrapping model still carries it
// (a getter on the prototype would be dropped by the spread). A class with one shared accessor
// descriptor: an object literal with a getter is slow to build, per call (it made a call 9 µs
// slower than the eager signal, see bench/README.md, 85cc1d5).
class CallOptions implements GenerateOptions {
  declare readonly signal: AbortSignal;
  private controller: AbortController | undefined;
  // Cancelled before the model read the signal: a signal read from then on is already aborted.
  private cancelled = false;

  constructor(
    readonly stream: boolean,
    readonly scheduler: SchedulerLike,
  ) {
    Object.defineProperty(this, 'signal', SIGNAL);
  }

  lazySignal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.cancelled) this.controller.abort();
    }
    return this.controller.signal;
  }

  cancel(): void {
    this.cancelled = true;
    this.controller?.abort();
  }
}

const SIGNAL: PropertyDescriptor = {
  enumerable: true,
  get(this: CallOptions): AbortSignal {
    return this.lazySignal();
  },
};
