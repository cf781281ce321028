import { DestroyRef, Injector } from '@angular/core';
import { agent, type Event, InMemorySessionService, Runner, text } from '@rxagents/core';
import { map, Observable, take, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { type RunSignals, runSignals } from './runSignals.js';

/** A writer streaming three chunks 100 ms apart, then committing `story`. */
const writer = agent('writer', (ctx) =>
  timer(100, 100, ctx.scheduler).pipe(
    take(4),
    map((i) =>
      i < 3
        ? ctx.newEvent({ content: text(`w${i} `), partial: true })
        : ctx.newEvent({ content: text('w0 w1 w2'), actions: { stateDelta: { story: 'done' } } }),
    ),
  ),
);

/** Runs `script` in virtual time with the writer's run as signals, tied to a fresh injector. */
function inVirtualTime(
  run$: (runner: Runner) => Observable<Event>,
  script: (run: RunSignals, at: (ms: number, fn: () => void) => void, injector: Injector) => void,
): void {
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  scheduler.run(() => {
    const runner = new Runner({ appName: 'a', agent: writer, sessionService: new InMemorySessionService() });
    const injector = Injector.create({ providers: [] });
    const run = runSignals(run$(runner), { injector, initialState: { topic: 'fox' } });
    script(run, (ms, fn) => scheduler.schedule(fn, ms), injector);
  });
}

const go = (runner: Runner) => runner.run({ userId: 'u', sessionId: 's', newMessage: 'go' });

describe('runSignals', () => {
  it('exposes the events, the state with each committed delta, and the status as the run goes', () => {
    const seen: unknown[] = [];
    inVirtualTime(go, (run, at) => {
      at(250, () => seen.push([run.status(), run.events().length, run.state()]));
      at(1_000, () => seen.push([run.status(), run.events().map((e) => e.partial === true), run.state()]));
    });
    expect(seen).toEqual([
      ['running', 2, { topic: 'fox' }],
      ['completed', [true, true, true, false], { topic: 'fox', story: 'done' }],
    ]);
  });

  it('stop() unsubscribes from the run: no event after it, status stopped', () => {
    let subscribed = 0;
    let unsubscribed = 0;
    const counted = (runner: Runner) =>
      new Observable<Event>((subscriber) => {
        subscribed++;
        const inner = go(runner).subscribe(subscriber);
        return () => {
          unsubscribed++;
          inner.unsubscribe();
        };
      });
    const seen: unknown[] = [];
    inVirtualTime(counted, (run, at) => {
      at(150, () => run.stop());
      at(1_000, () => seen.push([run.status(), run.events().length]));
    });
    expect(seen).toEqual([['stopped', 1]]);
    expect([subscribed, unsubscribed]).toEqual([1, 1]);
  });

  it('destroying the injector cancels the run', () => {
    const seen: unknown[] = [];
    inVirtualTime(go, (run, at, injector) => {
      at(150, () => (injector.get(DestroyRef) as unknown as { destroy(): void }).destroy());
      at(1_000, () => seen.push([run.status(), run.events().length]));
    });
    expect(seen).toEqual([['running', 1]]);
  });

  it('reports a failing run as failed with its error', () => {
    const boom = new Error('model down');
    const failing = () => new Observable<Event>((subscriber) => subscriber.error(boom));
    let result: unknown[] = [];
    inVirtualTime(failing, (run) => (result = [run.status(), run.error()]));
    expect(result).toEqual(['failed', boom]);
  });
});
