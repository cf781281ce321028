import { concatMap, finalize, from, type Observable, of, Subject, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { concatMapEager } from './concatMapEager.js';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('concatMapEager', () => {
  it('subscribes to each inner on arrival, emits in source order, completes after the last inner', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const a = cold('----a|');
      const b = cold('-b|');
      const c = cold('---c|');
      const source = hot('x-y-z|');
      const inners: Record<string, Observable<string>> = { x: a, y: b, z: c };
      expectObservable(source.pipe(concatMapEager((v) => inners[v]!))).toBe('----ab-c|');
      // every inner is running from its value on, not from the previous inner's completion
      expectSubscriptions(a.subscriptions).toBe('^----!');
      expectSubscriptions(b.subscriptions).toBe('--^-!');
      expectSubscriptions(c.subscriptions).toBe('----^---!');
    });
  });

  it('emits what concatMap emits for overlapping inners', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const source = hot('a-b-c-|');
      const project = (v: string) => cold(`--${v}-${v}|`);
      // the same values in the same order; b's first value is held until a completed (frame 5)
      expectObservable(source.pipe(concatMapEager(project))).toBe('--a-abbcc|');
      expectObservable(source.pipe(concatMap(project))).toBe('--a-a--b-b--c-c|');
    });
  });

  it("holds a later inner's error until the earlier ones completed", () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const slow = cold('----s|');
      const failing = cold('#', undefined, new Error('boom'));
      const source = hot('xy');
      expectObservable(source.pipe(concatMapEager((v) => (v === 'x' ? slow : failing)))).toBe(
        '----s#',
        { s: 's' },
        new Error('boom'),
      );
    });
  });

  it('unsubscribing tears down every inner still running, also the ones not yet emitting', () => {
    const source = new Subject<number>();
    const finalized: number[] = [];
    const subscription = source
      .pipe(concatMapEager((n) => new Subject<number>().pipe(finalize(() => finalized.push(n)))))
      .subscribe();
    source.next(1);
    source.next(2);
    source.next(3);
    subscription.unsubscribe();
    expect(finalized.sort()).toEqual([1, 2, 3]);
    expect(source.observed).toBe(false);
  });

  it('keeps the order when a value handed on makes a running inner complete at once', () => {
    const first = new Subject<string>();
    const second = new Subject<string>();
    const third = new Subject<string>();
    const source = new Subject<Subject<string>>();
    const seen: string[] = [];
    source.pipe(concatMapEager((inner) => inner)).subscribe({
      next: (value) => {
        seen.push(value);
        // the subscriber completes the inner whose value it got (an append it was waiting for)
        if (value === 'b1') second.complete();
      },
      complete: () => seen.push('done'),
    });
    source.next(first);
    source.next(second);
    source.next(third);
    source.complete();
    second.next('b1');
    first.next('a1');
    first.complete();
    third.next('c1');
    third.complete();
    expect(seen).toEqual(['a1', 'b1', 'c1', 'done']);
  });

  it('passes synchronous inners straight through (a long run of them does not grow the stack)', () => {
    const values: number[] = [];
    from(Array.from({ length: 20_000 }, (_, i) => i))
      .pipe(concatMapEager((n) => of(n)))
      .subscribe((n) => values.push(n));
    expect(values.length).toBe(20_000);
    expect(values[19_999]).toBe(19_999);
  });

  it('fails with an error thrown by the projection, and with a source error at once', () => {
    const errors: unknown[] = [];
    of(1)
      .pipe(
        concatMapEager((): Observable<number> => {
          throw new Error('project');
        }),
      )
      .subscribe({ error: (e: unknown) => errors.push((e as Error).message) });
    throwError(() => new Error('source'))
      .pipe(concatMapEager(() => of(1)))
      .subscribe({ error: (e: unknown) => errors.push((e as Error).message) });
    expect(errors).toEqual(['project', 'source']);
  });
});
