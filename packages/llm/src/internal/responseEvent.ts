import {
  type Content,
  type Event,
  type EventInit,
  type InvocationContext,
  type JsonValue,
  textOf,
} from '@rxagents/core';
import { OUTPUT_SCHEMA_MISMATCH } from '../errors.js';
import type { LlmAgent } from '../LlmAgent.js';
import type { LlmResponse } from '../Model.js';
import { hasFunctionCalls } from './functionCalls.js';
import { finalOutput } from './outputSchema.js';

// An object filled in field by field before it is handed on as its readonly type.
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The event of one model response (ADK's postprocess): function calls get ids, and a final text
 * goes to `outputKey` (through `outputSchema`; a mismatch is an error event with no state change)
 * with what a model callback wrote to the state.
 */
export function responseEvent(
  agent: LlmAgent,
  ctx: InvocationContext,
  response: LlmResponse,
  callbackDelta: Readonly<Record<string, JsonValue>> | undefined,
): Event {
  const content = response.partial === true ? response.content : withCallIds(ctx, response.content);
  let stateDelta: Record<string, JsonValue> | undefined =
    callbackDelta === undefined ? undefined : { ...callbackDelta };
  let errorCode = response.errorCode;
  let errorMessage = response.errorMessage;
  if (
    response.partial !== true &&
    errorCode === undefined &&
    content !== undefined &&
    !hasFunctionCalls(content) &&
    (agent.outputKey !== undefined || agent.outputSchema !== undefined)
  ) {
    const output = finalOutput(agent.outputSchema, agent.name, textOf(content));
    if ('error' in output) {
      errorCode = OUTPUT_SCHEMA_MISMATCH;
      errorMessage = output.error;
      stateDelta = undefined;
    } else if (agent.outputKey !== undefined) {
      (stateDelta ??= {})[agent.outputKey] = output.value;
    }
  }
  // Field by field, not eight conditional spreads: a literal built by spreads of varying shapes
  // leaves V8's fast properties, and newEvent reads every field of it.
  const init: Mutable<EventInit> = {};
  if (content !== undefined) init.content = content;
  if (response.partial !== undefined) init.partial = response.partial;
  if (response.turnComplete !== undefined) init.turnComplete = response.turnComplete;
  if (response.finishReason !== undefined) init.finishReason = response.finishReason;
  if (response.usage !== undefined) init.usage = response.usage;
  if (errorCode !== undefined) init.errorCode = errorCode;
  if (errorMessage !== undefined) init.errorMessage = errorMessage;
  if (stateDelta !== undefined) init.actions = { stateDelta };
  return ctx.newEvent(init);
}

// Gives every function call an id (from the invocation's id generator) so responses can name it.
function withCallIds(ctx: InvocationContext, content: Content | undefined): Content | undefined {
  if (
    content === undefined ||
    !content.parts.some((p) => 'functionCall' in p && p.functionCall.id === undefined)
  ) {
    return content;
  }
  return {
    ...content,
    parts: content.parts.map((part) =>
      'functionCall' in part && part.functionCall.id === undefined
        ? { functionCall: { ...part.functionCall, id: `call_${ctx.idGenerator()}` } }
        : part,
    ),
  };
}
