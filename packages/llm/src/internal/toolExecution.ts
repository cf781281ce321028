import {
  type Event,
  type EventActions,
  type FunctionCallPart,
  type InvocationContext,
  InvocationPaused,
  isPause,
  type JsonValue,
} from '@rxagents/core';
import {
  catchError,
  concat,
  concatMap,
  defer,
  EMPTY,
  from,
  map,
  merge,
  type Observable,
  of,
  throwError,
  toArray,
} from 'rxjs';
import type { LlmAgent } from '../LlmAgent.js';
import type { Tool } from '../Tool.js';
import { runTool, type ToolOutcome } from './toolCall.js';

type FunctionCall = FunctionCallPart['functionCall'];

// ADK's functions.ts: the calls of one model response run as one step whose answers are one event.

/**
 * The tool answers the log already holds for these calls (a resumed step), then the calls still
 * unanswered: nothing the log records runs again.
 */
export function runTools(
  agent: LlmAgent,
  ctx: InvocationContext,
  calls: readonly FunctionCall[],
  tools: ReadonlyMap<string, Tool>,
): Observable<Event> {
  return defer(() => {
    const replay = ctx.replay;
    if (replay === undefined) return runCalls(agent, ctx, calls, tools);
    const served: Event[] = [];
    const answered = new Set<string>();
    for (let next = replay.peek(ctx.branch); next !== undefined; next = replay.peek(ctx.branch)) {
      if (next.author !== agent.name || !isToolAnswer(next)) break;
      replay.take(ctx.branch);
      served.push(next);
      for (const part of next.content!.parts) {
        const id = 'functionResponse' in part ? part.functionResponse.id : undefined;
        if (id !== undefined) answered.add(id);
      }
    }
    const rest = calls.filter((call) => call.id === undefined || !answered.has(call.id));
    return rest.length === 0 ? from(served) : concat(from(served), runCalls(agent, ctx, rest, tools));
  });
}

// A recorded event answering function calls (the second half of a tool step).
function isToolAnswer(event: Event): boolean {
  const parts = event.content?.parts;
  return (
    event.content?.role === 'user' &&
    parts !== undefined &&
    parts.length > 0 &&
    parts.every((p) => 'functionResponse' in p)
  );
}

// Runs the calls concurrently; answers in one event, in call order. Calls that pause (a
// confirmation, a long-running tool) are left out of it; the others' answers are committed, and
// the step pauses for all requests together: the model is not called while one is unanswered.
function runCalls(
  agent: LlmAgent,
  ctx: InvocationContext,
  calls: readonly FunctionCall[],
  tools: ReadonlyMap<string, Tool>,
): Observable<Event> {
  const paused: string[] = [];
  const requests: Event[] = [];
  const untilPaused = (error: unknown) => {
    if (!isPause(error)) return throwError(() => error);
    paused.push(...error.requestIds);
    requests.push(...error.unemitted.splice(0));
    return EMPTY;
  };
  return merge(
    ...calls.map((call, index) =>
      runTool(agent, ctx, call, tools).pipe(
        map((o) => [index, o] as const),
        catchError(untilPaused),
      ),
    ),
  ).pipe(
    toArray(),
    concatMap((outcomes) => {
      const answer = outcomes.length === 0 ? EMPTY : of(toolAnswer(ctx, outcomes));
      return paused.length === 0
        ? answer
        : concat(
            answer,
            throwError(() => new InvocationPaused(paused, requests)),
          );
    }),
  );
}

// ADK's merge of parallel function responses: one event, the calls' order, their actions merged.
function toolAnswer(ctx: InvocationContext, outcomes: readonly (readonly [number, ToolOutcome])[]): Event {
  const ordered = [...outcomes].sort((a, b) => a[0] - b[0]).map(([, outcome]) => outcome);
  const stateDelta: Record<string, JsonValue> = {};
  const actions: { -readonly [K in keyof EventActions]?: EventActions[K] } = { stateDelta };
  for (const outcome of ordered) {
    if (outcome.delta !== undefined) Object.assign(stateDelta, outcome.delta);
    if (outcome.escalate) actions.escalate = true;
    if (outcome.skipSummarization) actions.skipSummarization = true;
    if (outcome.transferToAgent !== undefined) actions.transferToAgent = outcome.transferToAgent;
  }
  return ctx.newEvent({ content: { role: 'user', parts: ordered.map((o) => o.part) }, actions });
}
