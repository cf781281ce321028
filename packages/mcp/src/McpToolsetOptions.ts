/** Start the server as a child process and talk to it over its stdin and stdout. */
export interface McpStdioTransport {
  /** Program to run, e.g. `'npx'` or `process.execPath`. */
  readonly command: string;
  readonly args?: readonly string[];
  /** Added to a small default environment (PATH, HOME, …); the rest of ours is not passed on. */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory of the server; default ours. */
  readonly cwd?: string;
  readonly url?: never;
  readonly headers?: never;
}

/** Talk to a running server over Streamable HTTP. */
export interface McpHttpTransport {
  /** The server's MCP endpoint, e.g. `http://127.0.0.1:3000/mcp`. */
  readonly url: string | URL;
  /** Sent with every request, e.g. `{ authorization: 'Bearer …' }`. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly command?: never;
  readonly args?: never;
  readonly env?: never;
  readonly cwd?: never;
}

/** How to reach an MCP server: a command to spawn (stdio) or a URL (Streamable HTTP). */
export type McpTransportOptions = McpStdioTransport | McpHttpTransport;

/** Options of {@link mcpToolset}. */
export interface McpToolsetOptions {
  /** Names the toolset in errors and spans. */
  readonly name: string;
  readonly transport: McpTransportOptions;
  /** Only offer these tools: a list of names, or a predicate on the name. Default all. */
  readonly filter?: readonly string[] | ((toolName: string) => boolean);
  /**
   * Longest wait for the answer to a tool call, in milliseconds; each progress notification from
   * the server restarts it. Default 60000.
   */
  readonly timeoutMillis?: number;
  /** Longest wait to connect (start and initialize the server) and to list its tools. Default 30000. */
  readonly connectTimeoutMillis?: number;
}
