import type { Span } from '@opentelemetry/api';
import {
  type FunctionCallPart,
  fromAbortable,
  type InvocationContext,
  isPause,
  isResumeFault,
  type JsonValue,
  type Part,
  SpanAttribute,
  SpanOperation,
  spanName,
} from '@rxagents/core';
import {
  catchError,
  defaultIfEmpty,
  defer,
  finalize,
  map,
  mergeMap,
  type Observable,
  of,
  take,
  throwError,
} from 'rxjs';
import type { LlmAgent } from '../LlmAgent.js';
import type { AfterToolCallback, BeforeToolCallback } from '../llmCallbacks.js';
import type { Tool, ToolArgs, ToolResult } from '../Tool.js';
import { ToolContext } from '../ToolContext.js';
import { firstResult } from './callbacks.js';
import { messageOf } from './toJsonResult.js';

/** What one tool call gives the step's answer: its function response and the actions it asked for. */
export interface ToolOutcome {
  readonly part: Part;
  readonly delta: Readonly<Record<string, JsonValue>> | undefined;
  readonly escalate: boolean;
  readonly skipSummarization: boolean;
  readonly transferToAgent: string | undefined;
}

/**
 * One tool call (ADK's `callToolAsync` with its callbacks): before-tool callbacks may answer in the
 * tool's place, after-tool callbacks may replace its result, a failure is an `{ error }` answer the
 * model sees. Traced as `execute_tool`; unsubscribing aborts the tool's signal.
 */
export function runTool(
  agent: LlmAgent,
  ctx: InvocationContext,
  call: FunctionCallPart['functionCall'],
  tools: ReadonlyMap<string, Tool>,
): Observable<ToolOutcome> {
  // The scope, not its signal: a tool that never reads `signal` costs no AbortController (see
  // @rxagents/core's LazyAbortScope). Why: `createAbortSignal` was 4.9% of a CPU profile of
  // tools10 (ten tool calls a run); callgrind (bench/count.sh) 9.53M → 9.54M instructions per
  // run, inside its build-to-build spread.
  return fromAbortable((scope) => {
    const id = call.id ?? `call_${ctx.idGenerator()}`;
    const toolContext = new ToolContext(ctx, id, scope);
    const tool = tools.get(call.name);
    const span = toolSpan(ctx, call.name, id);
    const result: Observable<ToolResult> =
      tool === undefined
        ? of({
            error: `Tool '${call.name}' not found; available tools: ${[...tools.keys()].join(', ') || 'none'}`,
          })
        : withCallbacks(agent, tool, call.args, toolContext);
    const outcome = result.pipe(
      map((response): ToolOutcome => {
        const actions = toolContext.takeActions();
        return {
          part: { functionResponse: { id, name: call.name, response } },
          delta: toolContext.takeDelta(),
          ...actions,
        };
      }),
    );
    return span === undefined ? outcome : outcome.pipe(finalize(() => span.end()));
  });
}

// The `execute_tool` span; with tracing off (no trace scope) nothing is built, not even its
// name and attributes, and the call's result needs no `finalize`. With the same check in
// callModel, measured with callgrind (bench/count.sh, instructions per run): tools10 9.01M →
// 8.68M (−3.7%); on W4 storyflow-llm the non-JIT, non-GC part 1.28M → 1.24M (−3.3%).
function toolSpan(ctx: InvocationContext, name: string, id: string): Span | undefined {
  if (ctx.traceScope === undefined) return undefined;
  return ctx.startSpan(spanName(SpanOperation.executeTool, name), {
    [SpanAttribute.operationName]: SpanOperation.executeTool,
    [SpanAttribute.toolName]: name,
    [SpanAttribute.toolCallId]: id,
  });
}

// Why each stage only when the agent has callbacks of its kind: with none, the tool's result was
// still piped through `of(undefined)`, two `mergeMap`s and a `map` on every call. Measured with
// callgrind (bench/count.sh tools10, ten tool calls a run): 9.54M → 9.01M instructions per run
// (−5.6%).
function withCallbacks(
  agent: LlmAgent,
  tool: Tool,
  args: ToolArgs,
  toolContext: ToolContext,
): Observable<ToolResult> {
  const result =
    agent.beforeToolCallbacks.length === 0
      ? runOnce(tool, args, toolContext)
      : firstResult<ToolResult>(agent.beforeToolCallbacks, (cb: BeforeToolCallback) =>
          cb(tool, args, toolContext),
        ).pipe(mergeMap((short) => (short !== undefined ? of(short) : runOnce(tool, args, toolContext))));
  if (agent.afterToolCallbacks.length === 0) return result;
  return result.pipe(
    mergeMap((response) =>
      firstResult<ToolResult>(agent.afterToolCallbacks, (cb: AfterToolCallback) =>
        cb(tool, args, toolContext, response),
      ).pipe(map((replaced) => replaced ?? response)),
    ),
  );
}

function runOnce(tool: Tool, args: ToolArgs, toolContext: ToolContext): Observable<ToolResult> {
  return defer(() => tool.run(args, toolContext)).pipe(
    take(1),
    defaultIfEmpty<ToolResult, ToolResult>({}),
    // A pause (a confirmation, a long-running tool) is not the tool failing, nor is a bad answer
    // or a diverged replay: those stop the resume before any commit.
    catchError((error: unknown) =>
      isPause(error) || isResumeFault(error)
        ? throwError(() => error)
        : of<ToolResult>({ error: messageOf(error) }),
    ),
  );
}
