// Test-only agents for the workloads tests (not exported).
import { agent, type FunctionAgent, requestInput, text } from '@rxagents/core';
import { map, Observable, of, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import { z } from 'zod';

/** Counts live subscriptions of the agents made with it. */
export function liveCounter(): { live: number; track<T>(source: Observable<T>): Observable<T> } {
  const counter = {
    live: 0,
    track<T>(source: Observable<T>): Observable<T> {
      return new Observable<T>((subscriber) => {
        counter.live++;
        const sub = source.subscribe(subscriber);
        return () => {
          counter.live--;
          sub.unsubscribe();
        };
      });
    },
  };
  return counter;
}

/** An agent that says `said` after `ms` of the context's scheduler. */
export function step(
  name: string,
  ms: number,
  said = `${name} done`,
  counter?: ReturnType<typeof liveCounter>,
): FunctionAgent {
  return agent(name, (ctx) => {
    const events = timer(ms, ctx.scheduler).pipe(map(() => ctx.newEvent({ content: text(said) })));
    return counter === undefined ? events : counter.track(events);
  });
}

/** An agent that fails after `ms`. */
export function failing(name: string, ms: number, message = 'boom'): FunctionAgent {
  return agent(name, (ctx) =>
    timer(ms, ctx.scheduler).pipe(
      map(() => {
        throw new Error(message);
      }),
    ),
  );
}

/** An evaluator whose verdicts are given in order (the last repeats); writes goal:met / goal:reason. */
export function judge(name: string, verdicts: readonly boolean[], ms = 0): FunctionAgent {
  let calls = 0; // test double: shared across runs on purpose, to script answers in order
  return agent(name, (ctx) =>
    timer(ms, ctx.scheduler).pipe(
      map(() => {
        const met = verdicts[Math.min(calls++, verdicts.length - 1)]!;
        return ctx.newEvent({
          content: text(met ? 'looks good' : 'not yet'),
          actions: {
            stateDelta: { 'goal:met': met, 'goal:reason': met ? 'all checks pass' : 'checks fail' },
          },
        });
      }),
    ),
  );
}

/** A phase agent that asks `id` (schema `{ approved: boolean }`) and records the answer in state. */
export function asking(name: string, id = 'approve'): FunctionAgent {
  return agent(name, (ctx) =>
    requestInput(ctx, {
      id,
      payload: { prompt: `Approve ${name}?` },
      schema: z.object({ approved: z.boolean() }),
    }).pipe(
      map(({ approved }) =>
        ctx.newEvent({
          content: text(approved ? 'approved' : 'rejected'),
          actions: { stateDelta: { approved } },
        }),
      ),
    ),
  );
}

/** An evaluator that is met from attempt `from` on (a pure function of the state, so a resume replays it). */
export function metFrom(name: string, from: number): FunctionAgent {
  return agent(name, (ctx) => {
    const attempt = Number(ctx.state.get('deployment:attempt'));
    const met = attempt >= from;
    return of(
      ctx.newEvent({ actions: { stateDelta: { 'goal:met': met, 'goal:reason': met ? 'ok' : 'not yet' } } }),
    );
  });
}

/** Runs `test` in the virtual time of a TestScheduler that asserts with vitest. */
export function virtual(test: (scheduler: TestScheduler) => void): void {
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  scheduler.run(() => test(scheduler));
}
