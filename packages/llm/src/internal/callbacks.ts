import { concat, defaultIfEmpty, defer, filter, type Observable, of, take } from 'rxjs';
import { type MaybeAsync, toObservable } from './toObservable.js';

/** One callback or a list of them, as the options take them. */
export type OneOrMany<T> = T | readonly T[];

/** The callbacks of an option as a list. */
export function list<T>(value: OneOrMany<T> | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

/**
 * Runs callbacks in order, each after the previous answered; the first defined result wins and
 * the rest are not called (ADK's `handle_before_model_callback` and its siblings).
 */
export function firstResult<T>(
  callbacks: readonly ((...args: never[]) => unknown)[],
  invoke: (callback: never) => MaybeAsync<T | undefined | void>,
): Observable<T | undefined> {
  if (callbacks.length === 0) return of(undefined);
  return concat(...callbacks.map((callback) => defer(() => toObservable(invoke(callback as never))))).pipe(
    filter((value): value is T => value !== undefined && value !== null),
    take(1),
    defaultIfEmpty(undefined),
  );
}
