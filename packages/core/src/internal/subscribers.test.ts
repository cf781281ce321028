// The RxJS 7 `Subscriber` members the core's subclasses (internal/subscribers.ts) rely on. RxJS
// deprecates them in 7 and makes them internal in 8: when an upgrade changes any of them, these
// tests fail here, naming the member, before any workflow test fails in a puzzling way.
import { config, Observable, Subscriber, Subscription, type TeardownLogic, UnsubscriptionError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { concatLazy } from '../concatLazy.js';
import { LeanSubscriber } from './subscribers.js';

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

  it('chains through the destination’s own `add`, and a chained subscriber leaves it through `remove`', () => {
    const calls: string[] = [];
    class Watched extends Subscriber<number> {
      override add(teardown: TeardownLogic): void {
        calls.push(teardown === child ? 'add child' : 'add other');
        super.add(teardown);
      }
      override remove(teardown: Exclude<TeardownLogic, void>): void {
        calls.push(teardown === child ? 'remove child' : 'remove other');
        super.remove(teardown);
      }
    }
    let child: Subscriber<number> | undefined;
    const parent = new Watched(sink([]));
    child = new Recording<number>(parent);
    // The constructor added it before `child` was assigned.
    expect(calls).toEqual(['add other']);
    calls.length = 0;
    child.unsubscribe();
    expect(calls).toEqual(['remove child']);
  });

  it('reports a failing finalizer as an UnsubscriptionError listing the errors', () => {
    const s = new Subscription();
    s.add(() => {
      throw new Error('boom');
    });
    expect(() => s.unsubscribe()).toThrow(UnsubscriptionError);
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

describe('LeanSubscriber (the first finalizer in a field)', () => {
  const lean = () => new LeanSubscriber<number>(sink([]));

  it('runs finalizers in the order they were added, whether one or many', () => {
    for (const n of [1, 2, 3, 5]) {
      const order: number[] = [];
      const s = lean();
      for (let i = 0; i < n; i++) s.add(() => order.push(i));
      s.unsubscribe();
      expect(order).toEqual(Array.from({ length: n }, (_, i) => i));
    }
  });

  it('unsubscribes a subscriber chained to it, and the chain still closes from the top', () => {
    const top = lean();
    const middle = new LeanSubscriber<number>(top);
    const bottom = new Recording<number>(middle);
    top.unsubscribe();
    expect(middle.closed).toBe(true);
    expect(bottom.closed).toBe(true);
  });

  it('takes the field over from a chained subscriber that closed, keeping later ones in order', () => {
    const order: string[] = [];
    const s = lean();
    const first = new Recording<number>(s);
    first.complete();
    expect(first.closed).toBe(true);
    const second = new Recording<number>(s);
    second.add(() => order.push('second'));
    s.add(() => order.push('fn'));
    s.unsubscribe();
    expect(second.closed).toBe(true);
    expect(order).toEqual(['second', 'fn']);
  });

  it('forgets a removed finalizer, in the field or spilled', () => {
    const order: string[] = [];
    const a = () => order.push('a');
    const b = () => order.push('b');
    const one = lean();
    one.add(a);
    one.remove(a);
    one.unsubscribe();
    const two = lean();
    two.add(a);
    two.add(b);
    two.remove(a);
    two.unsubscribe();
    expect(order).toEqual(['b']);
  });

  it('runs a finalizer added once it is closed at once; skips a closed one', () => {
    const order: string[] = [];
    const s = lean();
    const f = () => order.push('f');
    s.add(f);
    const closed = new Subscription(() => order.push('closed'));
    closed.unsubscribe();
    s.add(closed);
    s.add(s);
    s.unsubscribe();
    s.add(() => order.push('late'));
    expect(order).toEqual(['closed', 'f', 'late']);
  });

  it('adds a subscription twice once and a function twice twice, as RxJS does', () => {
    const run = (make: () => Subscriber<number>) => {
      const order: string[] = [];
      const s = make();
      const f = () => order.push('f');
      const child = new Subscription(() => order.push('child'));
      s.add(child);
      s.add(child);
      s.add(f);
      s.add(f);
      s.unsubscribe();
      return order;
    };
    const rxjs = run(() => new Subscriber<number>(sink([])));
    expect(rxjs).toEqual(['child', 'f', 'f']);
    expect(run(lean)).toEqual(rxjs);
    // The same with the function first, where it sits in the field.
    const order: string[] = [];
    const s = lean();
    const f = () => order.push('f');
    s.add(f);
    s.add(f);
    s.unsubscribe();
    expect(order).toEqual(['f', 'f']);
  });

  it('is constructed with RxJS Subscriber’s fields, in its order, without running its constructor', () => {
    const rxjs = new Subscriber<number>(sink([]));
    const mine = lean();
    // The same own fields, RxJS's first and in its order, then the field and the flag of its own.
    expect(Object.keys(mine)).toEqual([...Object.keys(rxjs), 'lone', 'spilled']);
    expect(mine instanceof Subscriber).toBe(true);
    expect(mine instanceof Subscription).toBe(true);
    // Without a destination it sends where RxJS's does (its empty observer), and is chained to nothing.
    const alone = new LeanSubscriber<number>() as unknown as { destination: unknown };
    const rxjsAlone = new Subscriber<number>() as unknown as { destination: unknown };
    expect(alone.destination).toBe(rxjsAlone.destination);
  });

  it('leaves an RxJS parent’s finalizers when it closes, as an RxJS subscriber chained to it does', () => {
    // A parent that is RxJS's own keeps its children in `_finalizers` and each child knows its
    // parent: closing a child removes it there (else a long-lived parent would hold every run).
    const parent = new Subscriber<number>(sink([]));
    const finalizers = () => (parent as unknown as { _finalizers: unknown[] | null })._finalizers ?? [];
    const children = [lean(), new LeanSubscriber<number>(parent), new LeanSubscriber<number>(parent)];
    expect(finalizers()).toHaveLength(2);
    children[1]!.unsubscribe();
    expect(finalizers()).toEqual([children[2]]);
    children[2]!.unsubscribe();
    expect(finalizers()).toEqual([]);
    expect(parent.closed).toBe(false);
  });

  it('closes as RxJS’s Subscriber does: stopped, closed, out of its parent, its finalizer, then the destination dropped', () => {
    const seen = (make: (destination: Subscriber<number>) => Subscriber<number>) => {
      const destination = sink([]);
      const s = make(destination);
      const fields = s as unknown as { isStopped: boolean; closed: boolean; destination: unknown };
      const parentHolds = () =>
        ((destination as unknown as { _finalizers: unknown[] | null })._finalizers ?? []).includes(s);
      const state = () => [
        fields.isStopped,
        fields.closed,
        fields.destination === destination,
        parentHolds(),
      ];
      const before = state();
      let atFinalizer: unknown[] = [];
      s.add(() => {
        atFinalizer = state();
      });
      s.unsubscribe();
      return { before, atFinalizer, after: [fields.isStopped, fields.closed, fields.destination] };
    };
    const rxjs = seen((d) => new Subscriber<number>(d));
    expect(rxjs).toEqual({
      before: [false, false, true, true],
      atFinalizer: [true, true, true, false],
      after: [true, true, null],
    });
    expect(seen((d) => new LeanSubscriber<number>(d))).toEqual(rxjs);
  });

  it('completes and errors as RxJS’s Subscriber does, and reports notifications after the stop the same way', async () => {
    const scenario = async (make: (destination: Subscriber<number>) => Subscriber<number>, fail: boolean) => {
      const log: string[] = [];
      const stopped: string[] = [];
      const previous = config.onStoppedNotification;
      config.onStoppedNotification = (n) => stopped.push(n.kind);
      try {
        const s = make(sink(log));
        s.add(() => log.push('finalizer'));
        s.next(1);
        if (fail) s.error('boom');
        else s.complete();
        s.next(2);
        s.error('again');
        s.complete();
        // RxJS reports them on a timer.
        await new Promise((resolve) => setTimeout(resolve, 0));
        return { log, stopped, closed: s.closed };
      } finally {
        config.onStoppedNotification = previous;
      }
    };
    for (const fail of [false, true]) {
      const rxjs = await scenario((d) => new Subscriber<number>(d), fail);
      expect(rxjs.stopped).toEqual(['N', 'E', 'C']);
      expect(rxjs.log).toContain('finalizer');
      expect(await scenario((d) => new LeanSubscriber<number>(d), fail)).toEqual(rxjs);
    }
  });

  it('reports a failing finalizer in the field as an UnsubscriptionError', () => {
    const s = lean();
    s.add(() => {
      throw new Error('boom');
    });
    expect(() => s.unsubscribe()).toThrow(UnsubscriptionError);
    expect(s.closed).toBe(true);
  });
});
