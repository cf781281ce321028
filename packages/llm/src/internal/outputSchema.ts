import type { JsonValue } from '@rxagents/core';
import { messageOf } from './toJsonResult.js';
import { parseWith, type ZodSchema } from './zodSchema.js';

// Strips one surrounding Markdown code fence, which models like to add around JSON.
function unfence(value: string): string {
  const match = /^\s*```[A-Za-z]*\s*\n([\s\S]*?)\n?```\s*$/.exec(value);
  return match === null ? value : match[1]!;
}

/**
 * An agent's final text read against its `outputSchema`: the parsed value as plain JSON, or why
 * it does not match. Shared by `LlmAgent` (its `outputKey`) and `agentTool` (its answer), so
 * both read the text the same way.
 */
export function parseOutput(
  schema: ZodSchema,
  agentName: string,
  text: string,
): { value: JsonValue } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(unfence(text));
  } catch (error) {
    return { error: `Agent '${agentName}': outputSchema: the final text is not JSON (${messageOf(error)})` };
  }
  const parsed = parseWith(schema, json);
  if (!parsed.ok) {
    return { error: `Agent '${agentName}': outputSchema: the final text does not match: ${parsed.message}` };
  }
  return { value: JSON.parse(JSON.stringify(parsed.data)) as JsonValue };
}

/**
 * An `LlmAgent`'s final text as the value its `outputKey` receives: the text itself without a
 * schema, else the parsed object or why it does not match.
 */
export function finalOutput(
  schema: ZodSchema | undefined,
  agentName: string,
  text: string,
): { value: JsonValue } | { error: string } {
  return schema === undefined ? { value: text } : parseOutput(schema, agentName, text);
}
