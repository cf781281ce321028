/**
 * The operations rxagents names its OpenTelemetry spans after. A span is named
 * `<operation> <subject>` — `invoke_agent writer`, `call_llm gpt-4o`, `execute_tool search` — so
 * a tool that reads spans (a timeline, a dashboard) parses names with {@link parseSpanName}
 * instead of matching string prefixes.
 *
 * @example
 * ```ts
 * import { SpanOperation, spanName } from '@rxagents/core';
 * spanName(SpanOperation.invokeAgent, 'writer'); // 'invoke_agent writer'
 * ```
 * @see SpanAttribute
 */
export const SpanOperation = Object.freeze({
  /** One agent run; the subject is the agent's name. Opened by the core for every agent. */
  invokeAgent: 'invoke_agent',
  /** One model call; the subject is the model's name. Opened by `LlmAgent`. */
  callLlm: 'call_llm',
  /** One tool call; the subject is the tool's name. Opened by `LlmAgent`. */
  executeTool: 'execute_tool',
} as const);

/** `'invoke_agent'`, `'call_llm'` or `'execute_tool'`. */
export type SpanOperation = (typeof SpanOperation)[keyof typeof SpanOperation];

/**
 * The attribute keys of rxagents spans: OpenTelemetry's GenAI semantic conventions (`gen_ai.*`)
 * where one exists, and `rxagents.*` for what the conventions lack (branch, outcome).
 *
 * @example
 * ```ts
 * import { SpanAttribute } from '@rxagents/core';
 * import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
 *
 * const cancelled = (spans: readonly ReadableSpan[]) =>
 *   spans.filter((span) => span.attributes[SpanAttribute.outcome] === 'cancelled');
 * ```
 * @see SpanOperation
 */
export const SpanAttribute = Object.freeze({
  /** The GenAI operation: `invoke_agent`, `chat` (a model call) or `execute_tool`. */
  operationName: 'gen_ai.operation.name',
  /** The name of the agent whose run the span belongs to. */
  agentName: 'gen_ai.agent.name',
  /** The model a `call_llm` span called. */
  requestModel: 'gen_ai.request.model',
  /** Why the model stopped, as a one-element array. */
  finishReasons: 'gen_ai.response.finish_reasons',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  /** The tool an `execute_tool` span ran. */
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  /** The agent's branch, e.g. `story_flow.critic`. */
  branch: 'rxagents.branch',
  invocationId: 'rxagents.invocation_id',
  /** How many events the agent run emitted (set when the run ends). */
  eventCount: 'rxagents.event_count',
  /** `completed`, `error` or `cancelled` (set when the run ends). */
  outcome: 'rxagents.outcome',
} as const);

/**
 * The name of a span: `<operation> <subject>`.
 *
 * @example
 * ```ts
 * import { SpanOperation, spanName } from '@rxagents/core';
 * spanName(SpanOperation.executeTool, 'search'); // 'execute_tool search'
 * ```
 */
export function spanName(operation: SpanOperation, subject: string): string {
  return `${operation} ${subject}`;
}

const OPERATIONS: ReadonlySet<string> = new Set(Object.values(SpanOperation));

/**
 * The operation and subject of an rxagents span name, or undefined for a span rxagents did not
 * name (another library's span under the same tracer).
 *
 * @example
 * ```ts
 * import { parseSpanName } from '@rxagents/core';
 * parseSpanName('invoke_agent story_flow'); // { operation: 'invoke_agent', subject: 'story_flow' }
 * parseSpanName('HTTP GET'); // undefined
 * ```
 */
export function parseSpanName(name: string): { operation: SpanOperation; subject: string } | undefined {
  const space = name.indexOf(' ');
  const operation = space === -1 ? name : name.slice(0, space);
  if (!OPERATIONS.has(operation)) return undefined;
  return { operation: operation as SpanOperation, subject: space === -1 ? '' : name.slice(space + 1) };
}
