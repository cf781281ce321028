// Test support for @rxagents/llm: a context over a fresh session with the user's message
// committed (so agents see it in their history) and deterministic ids.
import {
  type BaseAgent,
  InvocationContext,
  type RunConfig,
  Session,
  sequentialIds,
  text,
} from '@rxagents/core';
import type { SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';

export interface ContextOptions {
  readonly state?: Readonly<Record<string, unknown>>;
  readonly userText?: string;
  readonly runConfig?: RunConfig;
  readonly scheduler?: SchedulerLike;
  readonly branch?: string;
  readonly session?: Session;
}

export function contextFor(agent: BaseAgent, options: ContextOptions = {}): InvocationContext {
  const session =
    options.session ?? new Session({ id: 's1', appName: 'test', userId: 'u1', state: options.state ?? {} });
  const userContent = options.userText === undefined ? undefined : text(options.userText, 'user');
  const ctx = InvocationContext.create({
    agent,
    session,
    idGenerator: sequentialIds('e'),
    ...(userContent === undefined ? {} : { userContent }),
    ...(options.runConfig === undefined ? {} : { runConfig: options.runConfig }),
    ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
    ...(options.branch === undefined ? {} : { branch: options.branch }),
  });
  if (userContent !== undefined)
    session.commit(ctx.newEvent({ author: 'user', branch: '', content: userContent }));
  return ctx;
}

export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}
