import { from, isObservable, type Observable, of, take } from 'rxjs';

/** What user code may return: a value, a Promise of it, or an Observable of it (first value used). */
export type MaybeAsync<T> = T | PromiseLike<T> | Observable<T>;

function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Lifts a value, Promise or Observable into an Observable of one value. Arrays and strings are
 * values here, not iterables to spread (unlike rxjs `from`).
 */
export function toObservable<T>(value: MaybeAsync<T>): Observable<T> {
  if (isObservable(value)) return (value as Observable<T>).pipe(take(1));
  if (isPromiseLike<T>(value)) return from(value);
  return of(value as T);
}
