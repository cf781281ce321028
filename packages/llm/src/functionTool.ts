import { defer, map, type Observable, of } from 'rxjs';
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
}

const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Makes a tool from a function and a zod schema of its arguments.
 *
 * Arguments that fail the schema, and an `execute` that throws or fails, become an
 * `{ error: '…' }` function response the model can react to: a tool never crashes the agent.
 *
 * @example
 * ```ts
 * import { functionTool } from '@rxagents/llm';
 *  * const weather = functionTool({
 *   name: 'get_weather',
 *   description: 'Current weather in a city',
 *   parameters: z.object({ city: z.string() }),
 *   execute: async ({ city }) => ({ city, sky: 'clear' }),
 * });
 * ```
 * @see LlmAgent, ToolContext
 */
export function functionTool<Schema extends ZodSchema>(options: FunctionToolOptions<Schema>): Tool {
  const { name, description, parameters, execute } = options;
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
        return toObservable(execute(parsed.data, toolContext)).pipe(map(toJsonResult));
      });
    },
  };
}
