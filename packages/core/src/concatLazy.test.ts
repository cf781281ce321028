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

  it('tears each source down once: on its completion, and the running one when the outer ends', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    const torn: number[] = [];
    scheduler.run(({ expectObservable }) => {
      const source = (i: number) =>
        new Observable<number>((s) => {
          const t = timer(i === 3 ? 100 : 1, scheduler).subscribe(() => {
            s.next(i);
            s.complete();
          });
          return () => {
            t.unsubscribe();
            torn.push(i);
          };
        });
      expectObservable(
        concatLazy((i) => (i < 5 ? source(i) : undefined)),
        '^ 10ms !',
      ).toBe('-abc', {
        a: 0,
        b: 1,
        c: 2,
      });
    });
    // 0, 1, 2 completed (each torn down once); 3 was running at the unsubscription; 4 never started.
    expect(torn).toEqual([0, 1, 2, 3]);
    expect(scheduler.actions).toHaveLength(0);
  });

  it('forwards an error from a source that started asynchronously and tears it down', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    let torn = 0;
    scheduler.run(({ expectObservable }) => {
      const failing = new Observable<number>((s) => {
        const t = timer(2, scheduler).subscribe(() => s.error(new Error('boom')));
        return () => {
          t.unsubscribe();
          torn++;
        };
      });
      expectObservable(concatLazy((i) => (i === 0 ? of(1) : i === 1 ? failing : of(3)))).toBe(
        'a 1ms #',
        { a: 1 },
        new Error('boom'),
      );
    });
    expect(torn).toBe(1);
  });

  it('unsubscribes the running source on teardown', () => {
    let torn = false;
    const sub = concatLazy(() => new Observable<never>(() => () => (torn = true))).subscribe();
    sub.unsubscribe();
    expect(torn).toBe(true);
    void NEVER;
  });
});
