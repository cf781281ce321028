import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type Event, isFinalResponse, type JsonValue, type Runner, textOf } from '@rxagents/core';
import { lastValueFrom, toArray } from 'rxjs';

/** What a served agent's tool needs to run one call. */
export interface AgentCall {
  readonly runner: Runner;
  readonly userId: string;
  readonly sessionId: string;
  readonly message: string;
  /** The request's signal: the client's `notifications/cancelled` aborts it, which ends the run. */
  readonly signal: AbortSignal;
  /**
   * Whether the tool declares an output schema (the agent has an object `outputSchema`), and the
   * agent's `outputKey`, whose value is then the structured content (else the final text, parsed).
   */
  readonly structured: { readonly outputKey: string | undefined } | undefined;
}

/**
 * Runs the agent for one `tools/call` and answers with the text of its last final response, and
 * with `structuredContent` when the agent has an output schema. A failed run throws, which the
 * SDK's `McpServer` answers as an `isError` result carrying the message.
 */
export async function runAgentCall(call: AgentCall): Promise<CallToolResult> {
  const events = await lastValueFrom(
    call.runner
      .run({ userId: call.userId, sessionId: call.sessionId, newMessage: call.message, signal: call.signal })
      .pipe(toArray()),
  );
  const final = lastFinal(events);
  if (final?.errorCode !== undefined) {
    return {
      content: [{ type: 'text', text: `${final.errorCode}: ${final.errorMessage ?? ''}` }],
      isError: true,
    };
  }
  const text = final === undefined ? '' : textOf(final.content);
  const result: CallToolResult = { content: [{ type: 'text', text }] };
  if (call.structured !== undefined) {
    const key = call.structured.outputKey;
    const structured = key === undefined ? parsed(text) : final?.actions.stateDelta?.[key];
    if (isObject(structured)) result.structuredContent = structured;
  }
  return result;
}

function parsed(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

function lastFinal(events: readonly Event[]): Event | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    if (event.author !== 'user' && event.partial !== true && isFinalResponse(event)) return event;
  }
  return undefined;
}

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
