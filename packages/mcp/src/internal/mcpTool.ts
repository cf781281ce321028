import type { CallToolResult, Tool as McpToolInfo } from '@modelcontextprotocol/sdk/types.js';
import { fromAbortable, type JsonObject, type JsonValue } from '@rxagents/core';
import type { Tool, ToolArgs, ToolContext, ToolResult } from '@rxagents/llm';
import { defer, type Observable, of } from 'rxjs';
import type { McpConnection } from './McpConnection.js';
import { type ArgsValidator, validatorFor } from './validatorFor.js';

/**
 * One MCP tool as a `Tool`: the declaration the server listed, arguments checked against its
 * input schema before anything is sent (a mismatch is an `{ error }` response, as for a zod
 * tool), the call cancelled by unsubscribing (the SDK sends `notifications/cancelled`).
 */
export function mcpTool(connection: McpConnection, info: McpToolInfo): Tool {
  const name = info.name;
  const description = info.description ?? info.title ?? '';
  const parameters = info.inputSchema as JsonObject;
  let validate: ArgsValidator | undefined;
  return {
    name,
    description,
    declaration: { name, description, parameters },
    run(args: ToolArgs, _toolContext: ToolContext): Observable<ToolResult> {
      return defer(() => {
        validate ??= validatorFor(parameters);
        const problem = validate(args);
        if (problem !== undefined) return of({ error: `Invalid arguments for tool '${name}': ${problem}` });
        // Unsubscribing mid-call aborts the request (the SDK sends `notifications/cancelled`).
        return fromAbortable(({ signal }) => connection.call(name, { ...args }, signal).then(toToolResult), {
          reason: () => new Error(`the run stopped waiting for tool '${name}'`),
        });
      });
    },
  };
}

/**
 * A tool result as a function response: `{ text }` (the text parts joined), `structuredContent`
 * when the server sent it, `content` listing other parts (images, audio, resources) without their
 * data, and `{ error }` instead of `text` when the server flagged the result with `isError`.
 */
export function toToolResult(result: CallToolResult): ToolResult {
  const texts: string[] = [];
  const others: JsonValue[] = [];
  for (const part of result.content ?? []) {
    if (part.type === 'text') texts.push(part.text);
    else if (part.type === 'resource_link') others.push({ type: part.type, uri: part.uri, name: part.name });
    else if (part.type === 'resource') others.push({ type: part.type, uri: part.resource.uri });
    else others.push({ type: part.type, mimeType: part.mimeType });
  }
  const response: Record<string, JsonValue> = {};
  const text = texts.join('\n');
  if (result.isError === true) response.error = text === '' ? 'the tool reported an error' : text;
  else if (texts.length > 0) response.text = text;
  if (result.structuredContent !== undefined)
    response.structuredContent = JSON.parse(JSON.stringify(result.structuredContent)) as JsonValue;
  if (others.length > 0) response.content = others;
  return response;
}
