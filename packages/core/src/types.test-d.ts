import type { Observable, OperatorFunction } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AgentOperator,
  agent,
  andThen,
  type BaseAgent,
  type Event,
  type FunctionAgent,
  type InvocationContext,
  LoopAgent,
  type LoopAgentOptions,
  ParallelAgent,
  type Runner,
  retry,
  type StateChange,
  stateChanges,
  type TextDelta,
  type TimeoutConfig,
  textDeltas,
  timeout,
  when,
} from './index.js';

describe('public types', () => {
  it('agent() infers a FunctionAgent whose runAsync yields events', () => {
    const a = agent('a', (ctx) => {
      expectTypeOf(ctx).toEqualTypeOf<InvocationContext>();
      return null as unknown as Observable<Event>;
    });
    expectTypeOf(a).toEqualTypeOf<FunctionAgent>();
    expectTypeOf(a.runAsync).returns.toEqualTypeOf<Observable<Event>>();
  });

  it('agent operators map an agent to an agent, and pipe returns an agent', () => {
    expectTypeOf(andThen).returns.toEqualTypeOf<AgentOperator>();
    expectTypeOf(retry(2)).toEqualTypeOf<AgentOperator>();
    expectTypeOf(when).parameter(0).parameter(0).toHaveProperty('x');
    const a = agent('a', () => null as unknown as Observable<Event>);
    expectTypeOf(a.pipe(retry(1), timeout(5))).toEqualTypeOf<BaseAgent>();
  });

  it('event-stream operators are typed RxJS operators', () => {
    expectTypeOf(stateChanges()).toEqualTypeOf<OperatorFunction<Event, StateChange>>();
    expectTypeOf(textDeltas()).toEqualTypeOf<OperatorFunction<Event, TextDelta>>();
  });

  it('rejects half-configured option bags at compile time', () => {
    // A timeout needs a total deadline or a per-event gap.
    expectTypeOf<Record<string, never>>().not.toMatchTypeOf<TimeoutConfig>();
    expectTypeOf<{ each: 5 }>().toMatchTypeOf<TimeoutConfig>();
    // @ts-expect-error onConflict takes 'report' or 'error'
    new ParallelAgent({ name: 'p', onConflict: 'ignore' });
    // @ts-expect-error maxIterations is a number
    new LoopAgent({ name: 'l', maxIterations: '3' });
    expectTypeOf<LoopAgentOptions['maxIterations']>().toEqualTypeOf<number | undefined>();
  });

  it('Runner.run takes a typed request and returns events', () => {
    expectTypeOf<Runner['run']>().returns.toEqualTypeOf<Observable<Event>>();
    const misuse = (runner: Runner) => {
      // @ts-expect-error sessionId is required
      runner.run({ userId: 'u1' });
      // @ts-expect-error newMessage is content or a string
      runner.run({ userId: 'u1', sessionId: 's1', newMessage: 42 });
    };
    expectTypeOf(misuse).toBeFunction();
  });
});
