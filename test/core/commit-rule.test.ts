// The commit rule: an event's stateDelta is committed before the next event is produced.
import { agent, loop, parallel, sequence, text } from '@rxagents/core';
import { testContext, testScheduler } from '@rxagents/testing';
import { defer, map, of, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';

describe('the commit rule', () => {
  it('lets deferred work right after an event see its writes, at every nesting level', () => {
    const seen: unknown[] = [];
    const writer = agent('writer', (ctx) =>
      of(ctx.newEvent({ actions: { stateDelta: { n: ((ctx.state.get('n') as number) ?? 0) + 1 } } })),
    );
    const reader = agent('reader', (ctx) =>
      defer(() => {
        seen.push(ctx.state.get('n'));
        return of(ctx.newEvent({ content: text(String(ctx.state.get('n'))) }));
      }),
    );
    const root = sequence('root', [loop('twice', [parallel('fan', [writer]), reader], { maxIterations: 2 })]);
    root.runAsync(testContext({ agent: root })).subscribe();
    expect(seen).toEqual([1, 2]);
  });

  it("holds between parallel branches in virtual time: a later branch reads an earlier branch's commit", () => {
    const scheduler = testScheduler();
    const early = agent('early', (ctx) =>
      timer(5, ctx.scheduler).pipe(map(() => ctx.newEvent({ actions: { stateDelta: { early: true } } }))),
    );
    const late = agent('late', (ctx) =>
      timer(10, ctx.scheduler).pipe(
        map(() => ctx.newEvent({ content: text(String(ctx.state.get('early'))) })),
      ),
    );
    const fan = parallel('fan', [late, early]);
    scheduler.run(({ expectObservable }) => {
      const ctx = testContext({ agent: fan, scheduler });
      expectObservable(fan.runAsync(ctx).pipe(map((e) => e.content?.parts[0] ?? null))).toBe(
        '5ms a 4ms (b|)',
        {
          a: null,
          b: { text: 'true' },
        },
      );
    });
  });
});
