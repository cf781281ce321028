// Test support for @rxagents/llm: a context over a fresh session with the user's message
// committed (so agents see it in their history) and deterministic ids; a runner over one session;
// the tools and scripted replies more than one test file builds (ping, recording, throwing tools;
// a transfer call; a streaming model and how its chunks show in marbles).
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
import {
  type ScriptedModel,
  type ScriptedModelOptions,
  type ScriptedReply,
  scriptedModel,
} from '../src/scriptedModel.js';
import type { Tool, ToolResult } from '../src/Tool.js';

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

/**
 * A scripted model that answers every request with `reply`, streamed as `timing` says (the first
 * chunk after `latency`, then one every `chunkInterval`): the model of the virtual-time streaming tests.
 */
export function streamingModel(
  reply: string,
  timing: Required<Pick<ScriptedModelOptions, 'latency' | 'chunks' | 'chunkInterval'>>,
): ScriptedModel {
  return scriptedModel([{ respond: reply }], timing);
}

/** A streamed response as a marble value: `p:` and its text for a partial chunk, `c:` for the complete one. */
export function chunkMark(
  response: { readonly partial?: boolean | undefined },
  text: string | undefined,
): string {
  return `${response.partial === true ? 'p' : 'c'}:${text}`;
}

/** A scripted reply that transfers to `agentName`, as a model calls `transfer_to_agent`. */
export function transferCall(agentName: string): ScriptedReply {
  return { functionCalls: [{ name: 'transfer_to_agent', args: { agent_name: agentName } }] };
}

/** A tool without parameters that answers `'pong'`: the smallest tool a tool loop can call. */
export function pingTool(): Tool {
  return functionTool({ name: 'ping', description: 'ping', parameters: z.object({}), execute: () => 'pong' });
}

/**
 * A tool of one string argument, `arg`, that records each value it runs with in `calls` and
 * answers `answer(value)`: for tests that check whether, and how often, a gated tool really ran
 * (`longRunning` or `requireConfirmation` pass through to `functionTool`).
 */
export function recordingTool(options: {
  readonly name: string;
  readonly description: string;
  readonly arg: string;
  readonly longRunning?: boolean;
  readonly requireConfirmation?: boolean;
  readonly answer: (value: string) => ToolResult;
}): { tool: Tool; calls: string[] } {
  const { arg, answer, ...rest } = options;
  const calls: string[] = [];
  const tool = functionTool({
    ...rest,
    parameters: z.object({ [arg]: z.string() }),
    execute: (args) => {
      const value = String(args[arg]);
      calls.push(value);
      return answer(value);
    },
  });
  return { tool, calls };
}

/** A tool without parameters that throws `message` when it runs: a tool failing, or one that must not run. */
export function throwingTool(name: string, description: string, message: string): Tool {
  return functionTool({
    name,
    description,
    parameters: z.object({}),
    execute: () => {
      throw new Error(message);
    },
  });
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
