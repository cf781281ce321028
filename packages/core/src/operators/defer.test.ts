import { takeWhile } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { collect, failedSession, rootContext, runAgent, say, sayAfter, trace } from '../../test/helpers.js';
import { authorsOf, testScheduler } from '../../test/marbles.js';
import type { BaseAgent } from '../BaseAgent.js';
import type { Event } from '../Event.js';
import { agent } from '../FunctionAgent.js';
import { SequentialAgent } from '../SequentialAgent.js';
import { defer } from './defer.js';
import { repeat } from './repeat.js';

describe('defer', () => {
  it('chooses the next agent from the state the source committed, when the step is reached', () => {
    const plan = (value: string) =>
      say('planner', { stateDelta: { plan: value } }).pipe(
        defer((s) => (s.plan === 'research' ? say('researcher') : say('writer'))),
      );
    const root = (flow: BaseAgent) => new SequentialAgent({ name: 'root', subAgents: [flow] });
    expect(trace(runAgent(root(plan('research'))).events)).toEqual([
      'planner@root.planner',
      'researcher@root.researcher',
    ]);
    expect(trace(runAgent(root(plan('write'))).events)).toEqual([
      'planner@root.planner',
      'writer@root.writer',
    ]);
  });

  it('runs nothing more when choose returns undefined', () => {
    expect(trace(runAgent(say('a').pipe(defer(() => undefined))).events)).toEqual(['a@a']);
  });

  it('asks choose once per run, not when the flow is built', () => {
    let calls = 0;
    const flow = say('a').pipe(
      defer(() => {
        calls++;
        return say('b');
      }),
    );
    expect(calls).toBe(0);
    runAgent(flow);
    runAgent(flow);
    expect(calls).toBe(2);
  });

  it.each([
    {
      what: 'subscribes the chosen agent after the source completes, in virtual time',
      chosen: '---|',
      unsubscribe: undefined,
      events: '10ms a 2ms |',
      subscriptions: '10ms ^--!',
    },
    {
      what: 'tears the chosen agent down when unsubscribed mid-run',
      chosen: '-----|',
      unsubscribe: '^-----------!',
      events: '10ms a',
      subscriptions: '10ms ^-!',
    },
  ])('$what', ({ chosen, unsubscribe, events, subscriptions }) => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const chosen$ = cold<Event>(chosen);
      const flow = sayAfter('a', 10).pipe(defer(() => agent('chosen', () => chosen$)));
      expectObservable(authorsOf(flow, scheduler), unsubscribe).toBe(events, { a: 'a' });
      expectSubscriptions(chosen$.subscriptions).toBe(subscriptions);
    });
    expect(scheduler.actions).toHaveLength(0);
  });

  it('an endless synchronous chosen agent stops when the subscriber has enough', () => {
    const flow = say('a').pipe(defer(() => say('tick').pipe(repeat())));
    const ctx = rootContext(flow);
    expect(collect(flow.runAsync(ctx).pipe(takeWhile((_, i) => i < 3)))).toHaveLength(3);
    expect(ctx.session.events).toHaveLength(4);
  });

  it('fails when choose throws, keeping what the source committed', () => {
    const flow = say('a', { stateDelta: { a: 1 } }).pipe(
      defer(() => {
        throw new Error('bad choice');
      }),
    );
    const session = failedSession(flow, 'bad choice');
    expect(session.events).toHaveLength(1);
    expect(session.state.get('a')).toBe(1);
  });

  it('re-entrancy: choose may pick the deferring agent itself', () => {
    const step = agent('step', (ctx) =>
      say('step', { stateDelta: { n: Number(ctx.state.get('n') ?? 0) + 1 } }).runAsync(ctx),
    );
    const again: BaseAgent = step.pipe(defer((s) => (Number(s.n) < 3 ? again : undefined)));
    const { events, session } = runAgent(again);
    expect(events).toHaveLength(3);
    expect(session.state.get('n')).toBe(3);
  });
});
