import { defer as deferStream, map, merge, of, takeWhile, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { collect, failedSession, rootContext, runAgent, say, sayAfter, traceOf } from '../../test/helpers.js';
import { authorsOf, testScheduler } from '../../test/marbles.js';
import { text } from '../Content.js';
import type { Event } from '../Event.js';
import { InvalidAgentConfigError } from '../errors.js';
import { exitLoop } from '../exitLoop.js';
import { agent } from '../FunctionAgent.js';
import { LoopAgent } from '../LoopAgent.js';
import { repeat } from './repeat.js';

const authors = map((e: Event) => e.author);
const counter = agent('counter', (ctx) =>
  deferStream(() =>
    of(ctx.newEvent({ actions: { stateDelta: { n: Number(ctx.state.get('n') ?? 0) + 1 } } })),
  ),
);

describe('repeat', () => {
  it('runs the source count times, waiting the delay in virtual time between runs', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const ticks = sayAfter('tick', 10).pipe(repeat({ count: 3, delay: 5 }));
      expectObservable(authorsOf(ticks, scheduler)).toBe('10ms t 14ms t 14ms (t|)', { t: 'tick' });
    });
    expect(scheduler.actions).toHaveLength(0);
  });

  it('subscribes the source once per run, and unsubscribing mid-run tears the current one down', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source$ = cold<Event>('---|');
      const repeated = agent('src', () => source$).pipe(repeat(5));
      const ctx = rootContext(repeated, { scheduler });
      expectObservable(repeated.runAsync(ctx), '^----!').toBe('-');
      expectSubscriptions(source$.subscriptions).toBe(['^--!', '---^-!']);
    });
    expect(scheduler.actions).toHaveLength(0);
  });

  it('stops when until holds on the state a run committed', () => {
    const { events, session } = runAgent(counter.pipe(repeat({ until: (s) => Number(s.n) >= 3 })));
    expect(events).toHaveLength(3);
    expect(session.state.get('n')).toBe(3);
  });

  it('stops at an escalation, which it consumes: an enclosing loop carries on', () => {
    let runs = 0;
    const escalating = agent('esc', (ctx) =>
      deferStream(() => of(++runs === 2 ? exitLoop(ctx) : ctx.newEvent({ content: text(`run ${runs}`) }))),
    );
    const outer = new LoopAgent({
      name: 'outer',
      subAgents: [escalating.pipe(repeat()), say('after')],
      maxIterations: 1,
    });
    expect(traceOf(outer)).toEqual(['esc@outer.esc', 'esc@outer.esc', 'after@outer.after']);
  });

  it('an endless repeat of a synchronous agent stops when the subscriber has enough', () => {
    const endless = say('tick').pipe(repeat());
    const ctx = rootContext(endless);
    expect(collect(endless.runAsync(ctx).pipe(takeWhile((_, i) => i < 4)))).toHaveLength(4);
    // The fifth event was committed before takeWhile saw it; no sixth run started.
    expect(ctx.session.events).toHaveLength(5);
  });

  it('runs 10,000 instant repetitions without growing the stack', () => {
    expect(runAgent(say('tick').pipe(repeat(10_000))).events).toHaveLength(10_000);
  });

  it('fails when until throws, keeping what the runs before committed', () => {
    const flow = counter.pipe(
      repeat({
        until: (s) => {
          if (s.n === 2) throw new Error('bad predicate');
          return false;
        },
      }),
    );
    const session = failedSession(flow, 'bad predicate');
    expect(session.events).toHaveLength(2);
    expect(session.state.get('n')).toBe(2);
  });

  it('fails with the source error and does not run again', () => {
    let runs = 0;
    const failing = agent('failing', () =>
      deferStream(() => {
        runs++;
        return throwError(() => new Error('boom'));
      }),
    );
    expect(() => runAgent(failing.pipe(repeat(3)))).toThrow('boom');
    expect(runs).toBe(1);
  });

  it('keeps its count per run: two concurrent runs of one repeated agent do not share it', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const twice = sayAfter('tick', 10).pipe(repeat(2));
      const ctx = rootContext(twice, { scheduler });
      expectObservable(merge(twice.runAsync(ctx), twice.runAsync(ctx)).pipe(authors)).toBe(
        '10ms (tt) 6ms (tt|)',
        { t: 'tick' },
      );
    });
  });

  it('re-entrancy: the repeated agent may run the repeat itself again through its context', () => {
    let depth = 0;
    const node = agent('node', (ctx) =>
      deferStream(() => (++depth <= 2 ? looped.runAsync(ctx) : of(ctx.newEvent({ content: text('leaf') })))),
    );
    const looped = node.pipe(repeat(2));
    // Run 1 recurses twice (depth 1, 2); the innermost repeat's two runs and the outer ones' second
    // runs then emit from the inside out.
    expect(traceOf(looped)).toEqual([
      'node@node.node.node',
      'node@node.node.node',
      'node@node.node',
      'node@node',
    ]);
  });

  it('rejects a count below 1 and a negative delay, naming the agent and the field', () => {
    expect(() => say('a').pipe(repeat(0))).toThrow(InvalidAgentConfigError);
    expect(() => say('a').pipe(repeat(0))).toThrow(/'a': repeat.count/);
    expect(() => say('a').pipe(repeat({ delay: -1 }))).toThrow(/'a': repeat.delay/);
  });
});
