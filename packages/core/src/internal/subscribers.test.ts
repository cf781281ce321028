// The RxJS 7 `Subscriber` members the core's subclasses (internal/subscribers.ts) rely on. RxJS
// deprecates them in 7 and makes them internal in 8: when an upgrade changes any of them, these
// tests fail here, naming the member, before any workflow test fails in a puzzling way.
import { Observable, Subscriber, Subscription } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { concatLazy } from '../concatLazy.js';

class Recording<T> extends Subscriber<T> {
  readonly calls: string[] = [];
  protected override _next(value: T): void {
    this.calls.push(`next ${String(value)}`);
    super._next(value);
  }
  protected override _error(error: unknown): void {
    this.calls.push(`error ${String(error)}`);
    super._error(error);
  }
  protected override _complete(): void {
    this.calls.push('complete');
    super._complete();
  }
  get target(): unknown {
    return this.destination;
  }
  get stopped(): boolean {
    return this.isStopped;
  }
}

const sink = (log: string[]) =>
  new Subscriber<number>({
    next: (v) => log.push(`sink next ${v}`),
    error: (e: unknown) => log.push(`sink error ${String(e)}`),
    complete: () => log.push('sink complete'),
  });

describe('the RxJS Subscriber contract the core relies on', () => {
  it('keeps the destination passed to the constructor as `destination` and chains to it', () => {
    const outer = sink([]);
    const inner = new Recording<number>(outer);
    expect(inner.target).toBe(outer);
    // Chained: unsubscribing the destination unsubscribes the subscriber made over it.
    outer.unsubscribe();
    expect(inner.closed).toBe(true);
  });

  it('is not chained to anything when made without a destination', () => {
    const inner = new Recording<number>();
    expect(inner.closed).toBe(false);
    expect(inner instanceof Subscription).toBe(true);
  });

  it('dispatches next, error and complete to _next, _error and _complete, then to the destination', () => {
    const log: string[] = [];
    const a = new Recording<number>(sink(log));
    a.next(1);
    a.complete();
    a.next(2);
    expect(a.calls).toEqual(['next 1', 'complete']);
    expect(log).toEqual(['sink next 1', 'sink complete']);
    expect(a.stopped).toBe(true);
    expect(a.closed).toBe(true);

    const errors: string[] = [];
    const b = new Recording<number>(sink(errors));
    b.error('boom');
    b.error('again');
    expect(b.calls).toEqual(['error boom']);
    expect(errors).toEqual(['sink error boom']);
    expect(b.closed).toBe(true);
  });

  it('sets isStopped before _complete runs, so an overridden next sees it', () => {
    let stoppedInComplete: boolean | undefined;
    class Probe extends Subscriber<number> {
      protected override _complete(): void {
        stoppedInComplete = this.isStopped;
        super._complete();
      }
    }
    new Probe(sink([])).complete();
    expect(stoppedInComplete).toBe(true);
  });

  it('hands a Subscriber to the subscribe function as it is, without wrapping it', () => {
    let received: unknown;
    const source = new Observable<number>((subscriber) => {
      received = subscriber;
    });
    const mine = new Recording<number>(sink([]));
    source.subscribe(mine);
    expect(received).toBe(mine);
  });

  it('runs finalizers in the order they were added, and the subscribe function’s teardown', () => {
    const order: string[] = [];
    const source = new Observable<number>((subscriber) => {
      subscriber.add(() => order.push('first'));
      subscriber.add(() => order.push('second'));
      return () => order.push('returned');
    });
    const subscription = source.subscribe(new Recording<number>(sink([])));
    subscription.unsubscribe();
    expect(order).toEqual(['first', 'second', 'returned']);
  });

  it('lets concatLazy (an unchained inner subscriber per source) stop a synchronous source on unsubscribe', () => {
    let produced = 0;
    const endless = new Observable<number>((subscriber) => {
      while (!subscriber.closed) subscriber.next(++produced);
    });
    const seen: number[] = [];
    const consumer: Subscriber<number> = new Subscriber<number>({
      next: (v) => {
        seen.push(v);
        if (v === 3) consumer.unsubscribe();
      },
      error: () => {},
      complete: () => {},
    });
    concatLazy((i) => (i === 0 ? endless : undefined)).subscribe(consumer);
    expect(seen).toEqual([1, 2, 3]);
    expect(produced).toBe(3);
  });
});
