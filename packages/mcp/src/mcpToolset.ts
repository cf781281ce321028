import type { Tool as McpToolInfo } from '@modelcontextprotocol/sdk/types.js';
import type { Tool, Toolset } from '@rxagents/llm';
import { defer, from, map, type Observable } from 'rxjs';
import { McpConnection } from './internal/McpConnection.js';
import { mcpTool } from './internal/mcpTool.js';
import type { McpToolsetOptions } from './McpToolsetOptions.js';

/** The tools of one MCP server, for an `LlmAgent`'s `tools`; see {@link mcpToolset}. */
export interface McpToolset extends Toolset {
  /** Closes the connection (a stdio server is stopped); later calls fail with `McpToolError('closed')`. */
  close(): Promise<void>;
}

/**
 * The tools of an MCP server as a {@link Toolset}: an `LlmAgent` lists them before each model
 * call, with the names, descriptions and JSON Schemas of the server's `tools/list` (cached until
 * the server sends `notifications/tools/list_changed`).
 *
 * One connection per toolset, opened on first use and shared by concurrent runs; a stdio server
 * runs behind a guard process, so it stops when `close()` is called or our process dies.
 * Arguments are validated against the tool's input schema before the call (a mismatch is an
 * `{ error }` response); results become `{ text, structuredContent }` or `{ error }` when the
 * server flags `isError`. Unsubscribing a run mid-call sends `notifications/cancelled` for the
 * request. A timeout, a crashed server, a malformed answer or an unknown tool fails the call with
 * {@link McpToolError} (an `{ error }` response for the model); the next call reconnects.
 * Progress notifications restart the timeout and are otherwise not surfaced.
 *
 * @example
 * ```ts no-run
 * import { LlmAgent, scriptedModel } from '@rxagents/llm';
 * import { mcpToolset } from '@rxagents/mcp';
 * const files = mcpToolset({
 *   name: 'files',
 *   transport: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '.'] },
 *   filter: ['read_text_file', 'list_directory'],
 * });
 * const agent = new LlmAgent({ name: 'reader', model: scriptedModel([{ respond: 'ok' }]), tools: [files] });
 * // … run the agent, then:
 * await files.close();
 * ```
 * @see McpToolError, mcpServer
 */
export function mcpToolset(options: McpToolsetOptions): McpToolset {
  const connection = new McpConnection(options);
  const offered = filterOf(options.filter);
  // The Tool objects of one listing, so their compiled validators are kept until the list changes.
  let listed: readonly McpToolInfo[] | undefined;
  let tools: readonly Tool[] = [];
  return {
    name: options.name,
    tools$(): Observable<readonly Tool[]> {
      return defer(() => from(connection.tools())).pipe(
        map((infos) => {
          if (infos !== listed) {
            listed = infos;
            tools = infos.filter((info) => offered(info.name)).map((info) => mcpTool(connection, info));
          }
          return tools;
        }),
      );
    },
    close: () => connection.close(),
  };
}

function filterOf(filter: McpToolsetOptions['filter']): (name: string) => boolean {
  if (filter === undefined) return () => true;
  if (typeof filter === 'function') return filter;
  const names = new Set(filter);
  return (name) => names.has(name);
}
