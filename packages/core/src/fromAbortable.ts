import { from, Observable, type ObservableInput } from 'rxjs';

/** Options of {@link fromAbortable}. */
export interface FromAbortableOptions {
  /** The reason the signal is aborted with (called at the abort). Default: the platform's `AbortError`. */
  readonly reason?: () => unknown;
}

/**
 * Like RxJS `defer`, for an API that takes an `AbortSignal` (`fetch`, an SDK call, an MCP
 * request): `factory` is called on each subscription with a signal of its own, and unsubscribing
 * before the result completed or failed aborts that signal. Completing or failing does not abort
 * it, and what the aborted call rejects with after the unsubscription is not reported (the
 * subscriber is gone).
 *
 * This is for adapters (models, tools, remote runners) that wrap Promise-based APIs; the core's
 * own execution path uses no Promises, and an agent or tool written with Observables needs no
 * signal: unsubscribing already tears it down.
 *
 * @example
 * ```ts
 * import { fromAbortable } from '@rxagents/core';
 * const page$ = fromAbortable((signal) => fetch('https://example.com', { signal }).then((r) => r.text()));
 * const subscription = page$.subscribe((text) => console.log(text.length));
 * subscription.unsubscribe(); // aborts the request
 * ```
 * @see https://rxjs.dev/api/index/function/defer
 * @param factory called on subscription with the signal; returns a Promise, an Observable or any
 *   other `ObservableInput`; may throw to fail the subscription
 * @param options `reason`: what the signal is aborted with
 */
export function fromAbortable<T>(
  factory: (signal: AbortSignal) => ObservableInput<T>,
  options?: FromAbortableOptions,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    let settled = false;
    const subscription = from(factory(controller.signal)).subscribe({
      next: (value) => subscriber.next(value),
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
      if (!settled) controller.abort(options?.reason?.());
    };
  });
}
