// Cancellation is part of the contract: unsubscribing tears down every subscription and timer.
import {
  agent,
  type Event,
  exitLoop,
  InvocationContext,
  loop,
  parallel,
  retry,
  Session,
  sequence,
  sequentialIds,
  text,
  timeout,
} from '@rxagents/core';
import { concat, defer, finalize, map, NEVER, of, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';

function contextFor(root: Parameters<typeof InvocationContext.create>[0]['agent'], scheduler: TestScheduler) {
  const session = new Session({ id: 's', appName: 'app', userId: 'u' });
  return InvocationContext.create({ agent: root, session, scheduler, idGenerator: sequentialIds('e') });
}

describe('cancellation', () => {
  it('unsubscribing mid-flow stops a nested flow: no further events, commits or timers', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    const finalized: string[] = [];
    const ticker = (name: string, every: number) =>
      agent(name, (ctx) =>
        timer(every, every, ctx.scheduler).pipe(
          map((i) => ctx.newEvent({ content: text(`${name}${i}`), actions: { stateDelta: { [name]: i } } })),
          finalize(() => finalized.push(name)),
        ),
      );
    const flow = sequence('flow', [
      loop('outer', [parallel('fan', [ticker('a', 3), ticker('b', 5).pipe(retry(2), timeout(1000))])], {
        maxIterations: 10,
      }),
      ticker('never', 1),
    ]);
    let ctx: InvocationContext | undefined;
    scheduler.run(({ expectObservable }) => {
      ctx = contextFor(flow, scheduler);
      const contents = flow
        .runAsync(ctx)
        .pipe(
          map((e: Event) =>
            e.content?.parts[0] && 'text' in e.content.parts[0] ? e.content.parts[0].text : '',
          ),
        );
      expectObservable(contents, '^ 7ms !').toBe('---x-yz', { x: 'a0', y: 'b0', z: 'a1' });
    });
    expect(scheduler.actions).toHaveLength(0);
    expect(finalized.sort()).toEqual(['a', 'b']);
    expect(ctx?.session.events).toHaveLength(3);
    expect(ctx?.session.state.snapshot()).toEqual({ a: 1, b: 0 });
  });

  it('an escalation tears down the rest of the iteration, including pending timers', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    const torn: string[] = [];
    const slow = agent('slow', (ctx) =>
      timer(100, ctx.scheduler).pipe(
        map(() => ctx.newEvent({})),
        finalize(() => torn.push('slow')),
      ),
    );
    const judge = agent('judge', (ctx) => concat(timer(5, ctx.scheduler).pipe(map(() => exitLoop(ctx)))));
    const refine = loop('refine', [parallel('both', [slow, judge])]);
    scheduler.run(({ expectObservable }) => {
      expectObservable(refine.runAsync(contextFor(refine, scheduler)).pipe(map((e) => e.author))).toBe(
        '5ms (j|)',
        { j: 'judge' },
      );
    });
    expect(torn).toEqual(['slow']);
    expect(scheduler.actions).toHaveLength(0);
  });

  it('a run that never completes holds no timer once unsubscribed', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    const stuck = sequence('stuck', [
      agent('wait', () => NEVER).pipe(timeout(500)),
      agent('x', (ctx) => defer(() => of(ctx.newEvent({})))),
    ]);
    scheduler.run(({ expectObservable }) => {
      expectObservable(stuck.runAsync(contextFor(stuck, scheduler)), '^ 100ms !').toBe('');
    });
    expect(scheduler.actions).toHaveLength(0);
  });
});
