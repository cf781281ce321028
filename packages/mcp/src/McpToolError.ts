import { RxAgentsError, registerErrorClass } from '@rxagents/core';

/** What went wrong with an MCP tool or its server (`McpToolError.reason`). */
export type McpFailure =
  | 'connect'
  | 'connection-closed'
  | 'timeout'
  | 'malformed-response'
  | 'server-error'
  | 'unknown-tool'
  | 'closed';

/**
 * An MCP server could not be reached or did not answer a call properly: the connection failed or
 * closed mid-call (the server crashed), the call timed out, the answer did not parse, the server
 * answered with a JSON-RPC error, or the tool is unknown. Code `MCP_TOOL_FAILED`.
 *
 * Raised as the error of a tool's `run`, which `LlmAgent` turns into an `{ error }` function
 * response naming the toolset, the tool and the failure, so the model sees it and the run goes on.
 * Errors the tool itself reports (`isError: true`) are function responses, not this error.
 *
 * @example
 * ```ts
 * import { McpToolError } from '@rxagents/mcp';
 * const error = new McpToolError('files', 'read_file', 'timeout', 'no answer within 5000 ms');
 * console.log(error.message); // MCP toolset 'files', tool 'read_file': timeout: no answer within 5000 ms
 * ```
 */
export class McpToolError extends RxAgentsError {
  /** Name of the toolset (or server) involved. */
  readonly toolset: string;
  /** The tool that was called, or `undefined` for a failure of the connection or the listing. */
  readonly tool: string | undefined;
  readonly reason: McpFailure;

  constructor(
    toolset: string,
    tool: string | undefined,
    reason: McpFailure,
    detail: string,
    cause?: unknown,
  ) {
    const where =
      tool === undefined ? `MCP toolset '${toolset}'` : `MCP toolset '${toolset}', tool '${tool}'`;
    super('MCP_TOOL_FAILED', `${where}: ${reason}: ${detail}`, { field: tool ?? 'transport', cause });
    this.toolset = toolset;
    this.tool = tool;
    this.reason = reason;
  }
}

// Rebuilt as its own class when it crosses a process boundary (see registerErrorClass).
registerErrorClass('MCP_TOOL_FAILED', McpToolError);
