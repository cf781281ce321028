import type { JsonValue } from '@rxagents/core';
import type { ToolResult } from '../Tool.js';

/**
 * A tool's return value as a function response: a plain object is used as is, anything else is
 * wrapped as `{ result }` (like ADK), `undefined` becomes `{}`. The value goes through JSON so the
 * response is plain data that can be persisted.
 */
export function toJsonResult(value: unknown): ToolResult {
  if (value === undefined) return {};
  const json = JSON.parse(JSON.stringify(value) ?? 'null') as JsonValue;
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) return json as ToolResult;
  return { result: json };
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
