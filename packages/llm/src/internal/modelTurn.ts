import {
  CallbackContext,
  type Event,
  type InvocationContext,
  ReplayDivergedError,
  textOf,
} from '@rxagents/core';
import { concat, concatMap, defer, EMPTY, map, mergeMap, type Observable, of, tap } from 'rxjs';
import { LlmCallsLimitExceededError } from '../errors.js';
import type { LlmAgent } from '../LlmAgent.js';
import type { AfterModelCallback, BeforeModelCallback } from '../llmCallbacks.js';
import type { LlmRequest, LlmResponse } from '../Model.js';
import type { Tool } from '../Tool.js';
import { firstResult } from './callbacks.js';
import { callModel } from './callModel.js';
import { functionCalls, hasFunctionCalls } from './functionCalls.js';
import type { RunHistory } from './history.js';
import { buildRequest, fixedOffer, listTools, type Offer, offerOf } from './requestBuild.js';
import { responseEvent } from './responseEvent.js';
import { runTools } from './toolExecution.js';

/** What the model turn of a run leaves for the rest of it: its last complete event, the tools it offered. */
export interface TurnRecord {
  last: Event | undefined;
  tools: ReadonlyMap<string, Tool>;
}

/** The tools of a turn before its offer is made. */
export const NO_TOOLS: ReadonlyMap<string, Tool> = new Map();

/**
 * The model call of one step of ADK's `BaseLlmFlow.run`: the request is built, the model called
 * (through the model callbacks) and its responses become events; the last complete one and the
 * tools offered are written to `turn` (see `turnTools`). `history` is the run's conversation so
 * far (see `RunHistory`), when the agent sends it whole. Called when the step starts (from the
 * run's `concatLazy`), so the request is built then, with no `defer`.
 */
export function modelTurn(
  agent: LlmAgent,
  ctx: InvocationContext,
  history: RunHistory | undefined,
  turn: TurnRecord,
): Observable<Event> {
  turn.last = undefined;
  if (agent.toolsets.length === 0) return turnWith(agent, ctx, fixedOffer(agent), history, turn);
  return listTools(agent, ctx).pipe(
    mergeMap((tools) => turnWith(agent, ctx, offerOf(agent, tools), history, turn)),
  );
}

/** The tools the turn's final response calls, run; `undefined` when it calls none. */
export function turnTools(
  agent: LlmAgent,
  ctx: InvocationContext,
  turn: TurnRecord,
): Observable<Event> | undefined {
  const content = turn.last?.content;
  return hasFunctionCalls(content) ? runTools(agent, ctx, functionCalls(content), turn.tools) : undefined;
}

function turnWith(
  agent: LlmAgent,
  ctx: InvocationContext,
  offer: Offer,
  history: RunHistory | undefined,
  turn: TurnRecord,
): Observable<Event> {
  turn.tools = offer.tools;
  // A resumed invocation: the model's answer of this turn is in the log; the model is not
  // called again (the call still counts against maxLlmCalls, as it did).
  const recorded = ctx.replay?.peek(ctx.branch);
  if (recorded !== undefined && recorded.author === agent.name && recorded.content?.role !== 'user') {
    ctx.replay!.take(ctx.branch);
    ctx.incrementLlmCallCount();
    turn.last = recorded;
    return of(recorded);
  }
  return responseEvents(agent, ctx, buildRequest(agent, ctx, offer, history), (event) => {
    turn.last = event;
  });
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
// A stream that ended without its complete response gets it assembled from the chunks.
function countedCall(agent: LlmAgent, ctx: InvocationContext, request: LlmRequest): Observable<LlmResponse> {
  const responses = callModel(agent.model, request, ctx, agent.stream, () => {
    if (ctx.replay?.check === true) {
      throw new ReplayDivergedError(
        agent.name,
        'model',
        'the replay calls the model where the log holds no answer',
      );
    }
    const count = ctx.incrementLlmCallCount();
    const limit = ctx.runConfig.maxLlmCalls;
    if (limit !== undefined && limit > 0 && count > limit)
      throw new LlmCallsLimitExceededError(agent.name, limit);
  });
  return agent.stream ? assembled(responses) : responses;
}

// The complete response of a stream that ended with partial ones only, assembled from them.
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
