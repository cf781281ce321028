import {
  CallbackContext,
  type Event,
  type InvocationContext,
  ReplayDivergedError,
  textOf,
} from '@rxagents/core';
import { concat, concatMap, defer, EMPTY, map, mergeMap, type Observable, of, tap, throwError } from 'rxjs';
import { LlmCallsLimitExceededError } from '../errors.js';
import type { LlmAgent } from '../LlmAgent.js';
import type { AfterModelCallback, BeforeModelCallback } from '../llmCallbacks.js';
import type { LlmRequest, LlmResponse } from '../Model.js';
import type { Tool } from '../Tool.js';
import { firstResult } from './callbacks.js';
import { callModel } from './callModel.js';
import { functionCalls } from './functionCalls.js';
import { buildRequest, listTools, toolsFor } from './requestBuild.js';
import { responseEvent } from './responseEvent.js';
import { runTools } from './toolExecution.js';

/**
 * One step of ADK's `BaseLlmFlow.run`: the request is built, the model called (through the model
 * callbacks), its responses become events, and the tools its final response calls are run.
 */
export function modelTurn(agent: LlmAgent, ctx: InvocationContext): Observable<Event> {
  if (agent.toolsets.length === 0) return defer(() => turnWith(agent, ctx, toolsFor(agent, agent.tools)));
  return listTools(agent, ctx).pipe(mergeMap((tools) => turnWith(agent, ctx, toolsFor(agent, tools))));
}

function turnWith(
  agent: LlmAgent,
  ctx: InvocationContext,
  tools: ReadonlyMap<string, Tool>,
): Observable<Event> {
  // A resumed invocation: the model's answer of this turn is in the log; the model is not
  // called again (the call still counts against maxLlmCalls, as it did).
  const recorded = ctx.replay?.peek(ctx.branch);
  if (recorded !== undefined && recorded.author === agent.name && recorded.content?.role !== 'user') {
    ctx.replay!.take(ctx.branch);
    ctx.incrementLlmCallCount();
    return withTools(agent, ctx, of(recorded), () => recorded, tools);
  }
  let final: Event | undefined;
  const events = responseEvents(agent, ctx, buildRequest(agent, ctx, tools), (event) => {
    final = event;
  });
  return withTools(agent, ctx, events, () => final, tools);
}

// The events, then the tools the final one calls (nothing when it calls none).
function withTools(
  agent: LlmAgent,
  ctx: InvocationContext,
  events: Observable<Event>,
  final: () => Event | undefined,
  tools: ReadonlyMap<string, Tool>,
): Observable<Event> {
  return concat(
    events,
    defer(() => {
      const calls = functionCalls(final()?.content);
      return calls.length === 0 ? EMPTY : runTools(agent, ctx, calls, tools);
    }),
  );
}

// The model's responses as events, through the model callbacks. Without callbacks (the common
// case) they map straight to events: no callback chain to ask, nothing a callback could write.
function responseEvents(
  agent: LlmAgent,
  ctx: InvocationContext,
  request: LlmRequest,
  onFinal: (event: Event) => void,
): Observable<Event> {
  const before = agent.beforeModelCallbacks;
  const after = agent.afterModelCallbacks;
  if (before.length === 0 && after.length === 0) {
    return countedCall(agent, ctx, request).pipe(
      map((response) => {
        const event = responseEvent(agent, ctx, response, undefined);
        if (response.partial !== true) onFinal(event);
        return event;
      }),
    );
  }
  const callbackContext = new CallbackContext(ctx);
  const responses =
    before.length === 0
      ? countedCall(agent, ctx, request)
      : firstResult<LlmResponse>(before, (cb: BeforeModelCallback) => cb(callbackContext, request)).pipe(
          mergeMap((short) => (short === undefined ? countedCall(agent, ctx, request) : of(short))),
        );
  return responses.pipe(
    concatMap((response) =>
      response.partial === true
        ? of(responseEvent(agent, ctx, response, undefined))
        : firstResult<LlmResponse>(after, (cb: AfterModelCallback) => cb(callbackContext, response)).pipe(
            map((replaced) => responseEvent(agent, ctx, replaced ?? response, callbackContext.takeDelta())),
            tap(onFinal),
          ),
    ),
  );
}

// One model call counted against `maxLlmCalls`; refused in a replay that should hold its answer.
function countedCall(agent: LlmAgent, ctx: InvocationContext, request: LlmRequest): Observable<LlmResponse> {
  return defer(() => {
    if (ctx.replay?.check === true) {
      throw new ReplayDivergedError(
        agent.name,
        'model',
        'the replay calls the model where the log holds no answer',
      );
    }
    const count = ctx.incrementLlmCallCount();
    const limit = ctx.runConfig.maxLlmCalls;
    if (limit !== undefined && limit > 0 && count > limit) {
      return throwError(() => new LlmCallsLimitExceededError(agent.name, limit));
    }
    return assembled(callModel(agent.model, request, ctx, agent.stream));
  });
}

// A stream that ended without its complete response: the response assembled from the chunks.
function assembled(responses: Observable<LlmResponse>): Observable<LlmResponse> {
  let complete = false;
  let streamed = '';
  return concat(
    responses.pipe(
      tap((response) => {
        if (response.partial === true) streamed += textOf(response.content);
        else complete = true;
      }),
    ),
    defer(() =>
      complete || streamed === ''
        ? EMPTY
        : of<LlmResponse>({ content: { role: 'model', parts: [{ text: streamed }] }, turnComplete: true }),
    ),
  );
}
