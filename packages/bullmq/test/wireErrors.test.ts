// Errors of the packages bullmq does not import (llm, ai-sdk) crossing the wire from a worker to
// a RemoteRunner: rebuilt through core's error registry as their own classes, or, when this
// process does not know the class, as a plain RxAgentsError carrying the code.
import * as aiSdk from '@rxagents/ai-sdk';
import { AiSdkModelError } from '@rxagents/ai-sdk';
import * as core from '@rxagents/core';
import {
  agent,
  InMemorySessionService,
  InvalidStateError,
  RxAgentsError,
  type RxAgentsErrorCode,
  registeredErrorClasses,
} from '@rxagents/core';
import * as llm from '@rxagents/llm';
import { LlmCallsLimitExceededError, MissingStateKeyError } from '@rxagents/llm';
import * as workloads from '@rxagents/workloads';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../../../test/support/expectError.js';
import * as bullmq from '../src/index.js';
import { RemoteRunner } from '../src/RemoteRunner.js';
import { startWorker, type WorkerHandle } from '../src/startWorker.js';
import { dropPrefix, ensureServices, REDIS, uniquePrefix } from './helpers.js';

// Raised by a worker of a newer version: neither its code nor its class is known here.
class FromTheFutureError extends RxAgentsError {
  readonly detail = 42;
  constructor() {
    super('QUOTA_EXCEEDED' as RxAgentsErrorCode, "Agent 'future': quota exceeded", {
      agent: 'future',
      field: 'quota',
    });
  }
}
// A known code, but a class this process never registered.
class UnlistedModelError extends RxAgentsError {
  constructor() {
    super('MODEL_CALL_FAILED', "Model 'm': unlisted", { field: 'model' });
  }
}

const throwing = (name: string, error: () => Error) =>
  agent(name, () => {
    throw error();
  });

const prefix = uniquePrefix('wire-errors');
const location = { connection: REDIS, prefix };
let worker: WorkerHandle;
const runners: RemoteRunner[] = [];

beforeAll(async () => {
  ensureServices();
  worker = await startWorker({
    ...location,
    sessionService: new InMemorySessionService(),
    agents: {
      limit: throwing('limit', () => new LlmCallsLimitExceededError('limit', 3)),
      missing: throwing('missing', () => new MissingStateKeyError('missing', 'topic')),
      model: throwing(
        'model',
        () =>
          new AiSdkModelError('gpt-x', 'HTTP 503 from http://127.0.0.1/v1: busy', {
            statusCode: 503,
            url: 'http://127.0.0.1/v1',
            responseBody: 'busy',
            isRetryable: true,
          }),
      ),
      state: throwing('state', () => new InvalidStateError('state', 'k', 'k', 'not JSON')),
      future: throwing('future', () => new FromTheFutureError()),
      unlisted: throwing('unlisted', () => new UnlistedModelError()),
    },
  });
});
afterAll(async () => {
  await Promise.all(runners.map((r) => r.close()));
  await worker.close({ force: true });
  await dropPrefix(prefix);
});

function failure(agentName: string): Promise<unknown> {
  const runner = new RemoteRunner({ ...location, appName: 'app', agent: agentName, pollMillis: 200 });
  runners.push(runner);
  return lastValueFrom(runner.run({ userId: 'u1', sessionId: agentName, newMessage: 'go' })).then(
    () => 'completed',
    (e: unknown) => e,
  );
}

describe('RemoteRunner: errors across the wire', () => {
  it('an @rxagents/llm error arrives as its own class, with its code, message and fields', async () => {
    const limit = await failure('limit');
    expectError(limit, LlmCallsLimitExceededError, {
      name: 'LlmCallsLimitExceededError',
      code: 'LLM_CALLS_LIMIT_EXCEEDED',
      message: "Agent 'limit': runConfig.maxLlmCalls: more than 3 model calls in one invocation",
      agent: 'limit',
      field: 'maxLlmCalls',
      limit: 3,
    });
    // a code shared with a core class: the name picks the llm one
    const missing = await failure('missing');
    expectError(missing, MissingStateKeyError, { code: 'INVALID_STATE', key: 'topic', agent: 'missing' });
    const state = await failure('state');
    expect(state).toBeInstanceOf(InvalidStateError);
    expect(state).not.toBeInstanceOf(MissingStateKeyError);
  });

  it('an @rxagents/ai-sdk error arrives as AiSdkModelError with its HTTP details', async () => {
    const model = await failure('model');
    expectError(model, AiSdkModelError, {
      code: 'MODEL_CALL_FAILED',
      message: "Model 'gpt-x': HTTP 503 from http://127.0.0.1/v1: busy",
      model: 'gpt-x',
      statusCode: 503,
      responseBody: 'busy',
      isRetryable: true,
    });
  });

  it('an error whose class is not registered here is a plain RxAgentsError carrying its code', async () => {
    const future = await failure('future');
    expect(future).toBeInstanceOf(RxAgentsError);
    expect(future).not.toBeInstanceOf(FromTheFutureError);
    expect(Object.getPrototypeOf(future)).toBe(RxAgentsError.prototype);
    expect(future).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      name: 'FromTheFutureError',
      message: "Agent 'future': quota exceeded",
      agent: 'future',
      field: 'quota',
      detail: 42,
    });
    const unlisted = await failure('unlisted');
    expect(Object.getPrototypeOf(unlisted)).toBe(RxAgentsError.prototype);
    expect(unlisted).not.toBeInstanceOf(AiSdkModelError);
    expect(unlisted).toMatchObject({ code: 'MODEL_CALL_FAILED', message: "Model 'm': unlisted" });
  });
});

describe('the error registry', () => {
  it('holds every RxAgentsError class that core, workloads, llm, ai-sdk and bullmq export', () => {
    const exported = Object.entries<unknown>({ ...core, ...workloads, ...llm, ...aiSdk, ...bullmq })
      .filter(([, value]) => typeof value === 'function' && value.prototype instanceof RxAgentsError)
      .map(([name]) => name)
      .sort();
    const registered = new Set(registeredErrorClasses().map((entry) => entry.errorClass.name));
    expect(exported.filter((name) => !registered.has(name))).toEqual([]);
    expect(exported).toContain('AiSdkModelError');
    expect(exported).toContain('LlmCallsLimitExceededError');
  });
});
