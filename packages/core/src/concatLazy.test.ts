import { map, NEVER, Observable, of, take, throwError, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { concatLazy } from './concatLazy.js';

describe('concatLazy', () => {
  it('concatenates 100,000 synchronous sources without growing the stack', () => {
    let count = 0;
    concatLazy((i) => (i < 100_000 ? of(i) : undefined)).subscribe(() => count++);
    expect(count).toBe(100_000);
  });

  it('asks for the next source only after the previous one completed (virtual time)', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ expectObservable }) => {
      const asked: number[] = [];
      const source = concatLazy((i) => {
        asked.push(i);
        return i < 3 ? timer(2, scheduler).pipe(map(() => String(i))) : undefined;
      });
      expectObservable(source).toBe('--a-b-(c|)', { a: '0', b: '1', c: '2' });
      scheduler.flush();
      expect(asked).toEqual([0, 1, 2, 3]);
    });
  });

  it('stops an endless synchronous source when the subscriber has enough', () => {
    const endless = new Observable<number>((subscriber) => {
      for (let i = 0; !subscriber.closed; i++) subscriber.next(i);
    });
    const seen: number[] = [];
    concatLazy((i) => (i === 0 ? endless : undefined))
      .pipe(take(3))
      .subscribe((v) => seen.push(v));
    expect(seen).toEqual([0, 1, 2]);
  });

  it('errors with the first failing source and asks for no more', () => {
    const asked: number[] = [];
    let error: unknown;
    concatLazy((i) => {
      asked.push(i);
      return i === 1 ? throwError(() => new Error('boom')) : of(i);
    }).subscribe({ error: (e: unknown) => (error = e) });
    expect((error as Error).message).toBe('boom');
    expect(asked).toEqual([0, 1]);
  });

  it('unsubscribes the running source on teardown', () => {
    let torn = false;
    const sub = concatLazy(() => new Observable<never>(() => () => (torn = true))).subscribe();
    sub.unsubscribe();
    expect(torn).toBe(true);
    void NEVER;
  });
});
