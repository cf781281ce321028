import { type AnswerSchema, type JsonValue, requestInput } from '@rxagents/core';
import { concatMap, defer, map, type Observable, of } from 'rxjs';
import { InvalidToolConfigError } from './errors.js';
import { toJsonResult } from './internal/toJsonResult.js';
import { type MaybeAsync, toObservable } from './internal/toObservable.js';
import { parseWith, type ZodOutput, type ZodSchema, zodJsonSchema } from './internal/zodSchema.js';
import type { Tool, ToolArgs, ToolResult } from './Tool.js';
import type { ToolContext } from './ToolContext.js';

/** Options of {@link functionTool}. */
export interface FunctionToolOptions<Schema extends ZodSchema> {
  /** Name the model calls the tool by (letters, digits, `_`, `-`). */
  readonly name: string;
  readonly description: string;
  /**
   * zod 4 schema of the arguments object (zod 3.25+: from `zod/v4`); sent to the model as JSON
   * Schema, checked on every call. A zod 3 schema throws `InvalidAgentConfigError`.
   */
  readonly parameters: Schema;
  /**
   * The tool's work. Return a value, a Promise or an Observable (its first value is used). A plain
   * object is the response; any other value is sent as `{ result: value }`.
   */
  readonly execute: (args: ZodOutput<Schema>, toolContext: ToolContext) => MaybeAsync<unknown>;
  /**
   * Ask a person before each call (or the calls for which the function says so): the run pauses
   * with a `'confirmation'` request carrying `{ tool, args }`; answered `true` /
   * `{ confirmed: true }` the tool runs, answered `false` / `{ confirmed: false, reason }` the
   * model gets an error response with the reason instead. Default false.
   */
  readonly requireConfirmation?: boolean | ((args: ZodOutput<Schema>, toolContext: ToolContext) => boolean);
  /**
   * A long-running tool (ADK's `LongRunningFunctionTool`): what `execute` returns (a ticket) is
   * only the start; the run pauses with a `'longRunning'` request carrying it, and the real
   * result arrives later, as the answer (`resume`) or as a user message with a function response
   * for the call, which the `Runner` routes to the agent that made the call. `execute` runs once.
   */
  readonly longRunning?: boolean;
}

/** How a person answers a tool confirmation. */
export type ToolConfirmation =
  | boolean
  | { readonly confirmed: boolean; readonly reason?: string | undefined };

const CONFIRMATION_JSON_SCHEMA = {
  anyOf: [
    { type: 'boolean' },
    {
      type: 'object',
      properties: { confirmed: { type: 'boolean' }, reason: { type: 'string' } },
      required: ['confirmed'],
    },
  ],
};

// The schema of a confirmation's answer, in the Standard Schema shape (no zod at run time: zod is
// the caller's peer, of whichever major).
const confirmation: AnswerSchema<ToolConfirmation> = {
  '~standard': {
    version: 1,
    vendor: 'rxagents',
    validate: (value) => {
      if (typeof value === 'boolean') return { value };
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const { confirmed, reason } = value as { confirmed?: unknown; reason?: unknown };
        if (typeof confirmed === 'boolean' && (reason === undefined || typeof reason === 'string'))
          return { value: reason === undefined ? { confirmed } : { confirmed, reason } };
      }
      return { issues: [{ message: 'expected true, false or { confirmed: boolean, reason?: string }' }] };
    },
    jsonSchema: { input: () => CONFIRMATION_JSON_SCHEMA },
  },
};

// Call ids come from models; request ids take letters, digits and `_.:-` only.
function requestKey(prefix: string, callId: string): string {
  return `${prefix}_${callId.replace(/[^A-Za-z0-9_.:-]/g, '_')}`;
}

const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}

/**
 * Makes a tool from a function and a zod schema of its arguments.
 *
 * Arguments that fail the schema, and an `execute` that throws or fails, become an
 * `{ error: '…' }` function response the model can react to: a tool never crashes the agent.
 *
 * @example
 * ```ts
 * import { functionTool } from '@rxagents/llm';
 * import { z } from 'zod';
 * const weather = functionTool({
 *   name: 'get_weather',
 *   description: 'Current weather in a city',
 *   parameters: z.object({ city: z.string() }),
 *   execute: async ({ city }) => ({ city, sky: 'clear' }),
 * });
 * ```
 * @see LlmAgent, ToolContext
 */
export function functionTool<Schema extends ZodSchema>(options: FunctionToolOptions<Schema>): Tool {
  const {
    name,
    description,
    parameters,
    execute,
    requireConfirmation = false,
    longRunning = false,
  } = options;
  if (typeof name !== 'string' || !TOOL_NAME.test(name))
    throw new InvalidToolConfigError(
      String(name),
      'name',
      `'${name}' is not a valid tool name (${TOOL_NAME})`,
    );
  if (typeof execute !== 'function')
    throw new InvalidToolConfigError(name, 'execute', 'a function is required');
  const declaration = {
    name,
    description,
    parameters: zodJsonSchema(parameters, name, 'parameters'),
  };
  return {
    name,
    description,
    declaration,
    run(args: ToolArgs, toolContext: ToolContext): Observable<ToolResult> {
      return defer(() => {
        const parsed = parseWith(parameters, args);
        if (!parsed.ok)
          return of<ToolResult>({ error: `Invalid arguments for tool '${name}': ${parsed.message}` });
        const input = parsed.data;
        const callId = toolContext.functionCallId;
        const run = (): Observable<ToolResult> => {
          const result = defer(() => toObservable(execute(input, toolContext))).pipe(map(toJsonResult));
          if (!longRunning) return result;
          return requestInput<JsonValue>(toolContext, {
            id: requestKey('result', callId),
            kind: 'longRunning',
            callId,
            payload: result.pipe(map((ticket) => ({ tool: name, args: toJson(input), ticket }))),
          }).pipe(map(toJsonResult));
        };
        const ask =
          typeof requireConfirmation === 'function'
            ? requireConfirmation(input, toolContext)
            : requireConfirmation;
        if (!ask) return run();
        return requestInput<ToolConfirmation>(toolContext, {
          id: requestKey('confirm', callId),
          kind: 'confirmation',
          callId,
          payload: { tool: name, args: toJson(input) },
          schema: confirmation,
        }).pipe(
          concatMap((answer) => {
            const confirmed = typeof answer === 'boolean' ? answer : answer.confirmed;
            if (confirmed) return run();
            const reason = typeof answer === 'boolean' ? undefined : answer.reason;
            return of<ToolResult>({
              error: `The user rejected the call of tool '${name}'${reason === undefined || reason === '' ? '' : `: ${reason}`}`,
            });
          }),
        );
      });
    },
  };
}
