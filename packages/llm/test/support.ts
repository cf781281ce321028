// Test support for @rxagents/llm: a context over a fresh session with the user's message
// committed (so agents see it in their history) and deterministic ids; a runner over one session;
// the ping tool of the tool-loop tests.
import {
  type BaseAgent,
  type Event,
  InMemorySessionService,
  InvocationContext,
  isFunctionResponsePart,
  type RunConfig,
  Runner,
  type RunRequest,
  Session,
  sequentialIds,
  text,
} from '@rxagents/core';
import { lastValueFrom, type Observable, type SchedulerLike, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import { z } from 'zod';
import { functionTool } from '../src/functionTool.js';
import type { Tool } from '../src/Tool.js';

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

/** A tool without parameters that answers `'pong'`: the smallest tool a tool loop can call. */
export function pingTool(): Tool {
  return functionTool({ name: 'ping', description: 'ping', parameters: z.object({}), execute: () => 'pong' });
}

/**
 * One agent under a `Runner` over an in-memory session service, for one user and session:
 * `run` collects the events of one request, `session` reads the stored session.
 */
export function runnerSession(agent: BaseAgent, appName: string) {
  const user = { userId: 'u1', sessionId: 's1' };
  const sessions = new InMemorySessionService();
  const runner = new Runner({ appName, agent, sessionService: sessions });
  const session = () => sessions.getOrCreateSessionSync({ appName, ...user });
  const run = (request: Omit<RunRequest, 'userId' | 'sessionId'>) =>
    lastValueFrom(runner.run({ ...user, ...request }).pipe(toArray()));
  return { run, session };
}

/** All events of a run, once it completed. */
export const run = <T>(events: Observable<T>): Promise<T[]> => lastValueFrom(events.pipe(toArray()));

/** The function responses of an event, as plain objects. */
export function responses(event: Event): Record<string, unknown>[] {
  return (event.content?.parts ?? []).filter(isFunctionResponsePart).map((p) => ({ ...p.functionResponse }));
}
