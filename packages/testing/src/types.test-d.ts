import type { BaseAgent, FunctionAgent, InvocationContext, Session } from '@rxagents/core';
import type { Model } from '@rxagents/llm';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AgentExpectation,
  type ExpectedEvent,
  expectAgent,
  marbleModel,
  type ScriptedValue,
  scriptedAgent,
  type TestContextOptions,
} from './index.js';

describe('@rxagents/testing types', () => {
  it('scriptedAgent makes an agent usable anywhere a BaseAgent is', () => {
    expectTypeOf(scriptedAgent('a', '-a|')).toEqualTypeOf<FunctionAgent>();
    expectTypeOf(scriptedAgent('a', '-a|')).toMatchTypeOf<BaseAgent>();
  });

  it('scripted values are strings, events or functions of the context', () => {
    expectTypeOf<string>().toMatchTypeOf<ScriptedValue>();
    expectTypeOf<{ stateDelta: { n: number } }>().toMatchTypeOf<ScriptedValue>();
    expectTypeOf<(ctx: InvocationContext) => string>().toMatchTypeOf<ScriptedValue>();
    expectTypeOf<{ stateDelta: { n: Date } }>().not.toMatchTypeOf<ScriptedValue>();
  });

  it('an expected event needs a branch', () => {
    expectTypeOf<{ branch: string }>().toMatchTypeOf<ExpectedEvent>();
    expectTypeOf<{ author: string }>().not.toMatchTypeOf<ExpectedEvent>();
  });

  it('marbleModel is a Model', () => {
    expectTypeOf(marbleModel('-a|')).toMatchTypeOf<Model>();
  });

  it('expectAgent chains', () => {
    expectTypeOf(expectAgent).returns.toEqualTypeOf<AgentExpectation>();
    expectTypeOf<AgentExpectation['toEmit']>().returns.toEqualTypeOf<AgentExpectation>();
  });

  it('testContext takes a state or a session, not both', () => {
    expectTypeOf<{ state: { a: number } }>().toMatchTypeOf<TestContextOptions>();
    expectTypeOf<{ session: Session }>().toMatchTypeOf<TestContextOptions>();
    expectTypeOf<{ state: { a: number }; session: Session }>().not.toMatchTypeOf<TestContextOptions>();
  });
});
