import { concat, NEVER, of, take, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type AbortScope, fromAbortable } from './fromAbortable.js';

// A Promise that settles when told, and rejects with the signal's reason when aborted (as fetch does).
function abortablePromise(signal: AbortSignal) {
  let resolve!: (value: string) => void;
  const promise = new Promise<string>((ok, fail) => {
    resolve = ok;
    signal.addEventListener('abort', () => fail(signal.reason), { once: true });
  });
  return { promise, resolve };
}

describe('fromAbortable', () => {
  it('aborts the signal when the subscriber unsubscribes before the result', () => {
    let seen: AbortSignal | undefined;
    const subscription = fromAbortable(({ signal }) => {
      seen = signal;
      return NEVER;
    }).subscribe();
    expect(seen?.aborted).toBe(false);
    subscription.unsubscribe();
    expect(seen?.aborted).toBe(true);
  });

  it('gives a signal first read after the unsubscription already aborted, with the reason', () => {
    let scope: AbortScope | undefined;
    fromAbortable(
      (given) => {
        scope = given;
        return NEVER;
      },
      { reason: () => 'gone' },
    )
      .subscribe()
      .unsubscribe();
    expect(scope?.signal.aborted).toBe(true);
    expect(scope?.signal.reason).toBe('gone');
  });

  it('aborts with the reason of the options', () => {
    let seen: AbortSignal | undefined;
    fromAbortable(
      ({ signal }) => {
        seen = signal;
        return NEVER;
      },
      { reason: () => new Error('stopped waiting') },
    )
      .subscribe()
      .unsubscribe();
    expect(seen?.reason).toBeInstanceOf(Error);
    expect((seen?.reason as Error | undefined)?.message).toBe('stopped waiting');
  });

  it('does not abort the signal when the result completes or fails', async () => {
    const signals: AbortSignal[] = [];
    const values = await new Promise<string[]>((resolve) => {
      const got: string[] = [];
      fromAbortable(({ signal }) => {
        signals.push(signal);
        return Promise.resolve('done');
      }).subscribe({ next: (v) => got.push(v), complete: () => resolve(got) });
    });
    fromAbortable(({ signal }) => {
      signals.push(signal);
      return throwError(() => new Error('failed'));
    }).subscribe({ error: () => undefined });
    expect(values).toEqual(['done']);
    expect(signals.map((s) => s.aborted)).toEqual([false, false]);
  });

  it('does not report the abort error of a Promise rejected after the unsubscription', async () => {
    const errors: unknown[] = [];
    let call: ReturnType<typeof abortablePromise> | undefined;
    const subscription = fromAbortable(({ signal }) => {
      call = abortablePromise(signal);
      return call.promise;
    }).subscribe({ error: (error) => errors.push(error) });
    subscription.unsubscribe();
    await expect(call?.promise).rejects.toThrow();
    expect(errors).toEqual([]);
  });

  it('calls the factory once per subscription, each with its own signal', () => {
    const signals: AbortSignal[] = [];
    const source = fromAbortable(({ signal }) => {
      signals.push(signal);
      return of(signals.length);
    });
    const values: number[] = [];
    source.subscribe((v) => values.push(v));
    source.subscribe((v) => values.push(v));
    expect(values).toEqual([1, 2]);
    expect(signals[0]).not.toBe(signals[1]);
  });

  it('fails the subscription when the factory throws', () => {
    const errors: unknown[] = [];
    fromAbortable(() => {
      throw new Error('bad input');
    }).subscribe({ error: (error) => errors.push(error) });
    expect((errors[0] as Error).message).toBe('bad input');
  });

  it('does not abort the signal when the result completed synchronously, even once unsubscribed', () => {
    let seen: AbortSignal | undefined;
    const values: string[] = [];
    const subscription = fromAbortable(({ signal }) => {
      seen = signal;
      return of('now');
    }).subscribe((v) => values.push(v));
    subscription.unsubscribe();
    expect(values).toEqual(['now']);
    expect(seen?.aborted).toBe(false);
  });

  it('fails the stream without aborting when the factory throws after reading the signal', () => {
    let seen: AbortSignal | undefined;
    const errors: unknown[] = [];
    const subscription = fromAbortable(({ signal }) => {
      seen = signal;
      throw new Error('bad input');
    }).subscribe({ error: (error) => errors.push(error) });
    subscription.unsubscribe();
    expect((errors[0] as Error).message).toBe('bad input');
    expect(seen?.aborted).toBe(false);
  });

  it('aborts when the subscriber unsubscribes during a synchronous value, before the result ended', () => {
    let seen: AbortSignal | undefined;
    const values: number[] = [];
    fromAbortable(({ signal }) => {
      seen = signal;
      return concat(of(1), NEVER);
    })
      .pipe(take(1))
      .subscribe((v) => values.push(v));
    expect(values).toEqual([1]);
    expect(seen?.aborted).toBe(true);
  });
});
