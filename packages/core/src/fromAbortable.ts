import { from, Observable, type ObservableInput } from 'rxjs';
import { AbortableObserver } from './internal/AbortableObserver.js';

/** What the factory of {@link fromAbortable} is given: the subscription's signal, made on first read. */
export interface AbortScope {
  readonly signal: AbortSignal;
}

/** Options of {@link fromAbortable}. */
export interface FromAbortableOptions {
  /** The reason the signal is aborted with (called at the abort). Default: the platform's `AbortError`. */
  readonly reason?: () => unknown;
}

/**
 * Like RxJS `defer`, for an API that takes an `AbortSignal` (`fetch`, an SDK call, an MCP
 * request): `factory` is called on each subscription with `{ signal }`, a signal of its own (made
 * when first read, as TanStack Query's `queryFn` gets it), and unsubscribing before the result
 * completed or failed aborts that signal. Completing or failing does not abort
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
 * const page$ = fromAbortable(({ signal }) => fetch('https://example.com', { signal }).then((r) => r.text()));
 * const subscription = page$.subscribe((text) => console.log(text.length));
 * subscription.unsubscribe(); // aborts the request
 * ```
 * @see https://rxjs.dev/api/index/function/defer
 * @param factory called on subscription with `{ signal }`; returns a Promise, an Observable or any
 *   other `ObservableInput`; may throw to fail the subscription
 * @param options `reason`: what the signal is aborted with
 */
export function fromAbortable<T>(
  factory: (scope: AbortScope) => ObservableInput<T>,
  options?: FromAbortableOptions,
): Observable<T> {
  const reason = options?.reason;
  return new Observable<T>((subscriber) => {
    const observer = new AbortableObserver(subscriber, reason);
    // A factory that throws fails the subscription before any teardown exists: nothing is aborted.
    return observer.listen(from(factory(observer)));
  });
}
