import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type CallToolResult,
  ErrorCode,
  McpError,
  type Tool as McpToolInfo,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { McpToolError } from '../McpToolError.js';
import type { McpToolsetOptions, McpTransportOptions } from '../McpToolsetOptions.js';
import { guardedCommand } from './stdioGuard.js';

const DEFAULT_TIMEOUT = 60_000;
const DEFAULT_CONNECT_TIMEOUT = 30_000;

/**
 * The one connection of a toolset: opened on first use, shared by every run, forgotten when the
 * server goes away (the next use opens a new one), closed for good by `close()`. The tool list is
 * cached until the server says it changed (`notifications/tools/list_changed`) or reconnects.
 */
export class McpConnection {
  private connecting: Promise<Client> | undefined;
  private listing: Promise<readonly McpToolInfo[]> | undefined;
  // Which connection is current, so a late `onclose` of an old one does not drop the new one.
  private generation = 0;
  private closed = false;
  private readonly timeout: number;
  private readonly connectTimeout: number;

  constructor(private readonly options: McpToolsetOptions) {
    this.timeout = options.timeoutMillis ?? DEFAULT_TIMEOUT;
    this.connectTimeout = options.connectTimeoutMillis ?? DEFAULT_CONNECT_TIMEOUT;
  }

  get name(): string {
    return this.options.name;
  }

  /** The server's tools (all pages), from the cache when it is still valid. */
  tools(): Promise<readonly McpToolInfo[]> {
    this.listing ??= this.list().catch((error: unknown) => {
      this.listing = undefined;
      throw toMcpToolError(this.name, undefined, error);
    });
    return this.listing;
  }

  /** Calls a tool; aborting `signal` sends `notifications/cancelled` for the request. */
  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    const client = await this.client();
    try {
      const result = await client.callTool({ name: tool, arguments: args }, undefined, {
        signal,
        timeout: this.timeout,
        // Progress is not surfaced as events, but it shows the server is working: keep waiting.
        onprogress: () => {},
        resetTimeoutOnProgress: true,
      });
      return result as CallToolResult;
    } catch (error) {
      throw toMcpToolError(this.name, tool, error);
    }
  }

  /** Closes the connection (ending a stdio server) and refuses further use. */
  async close(): Promise<void> {
    this.closed = true;
    const connecting = this.connecting;
    this.forget();
    const client = await connecting?.catch(() => undefined);
    await client?.close();
  }

  private client(): Promise<Client> {
    if (this.closed)
      return Promise.reject(new McpToolError(this.name, undefined, 'closed', 'close() was called'));
    this.connecting ??= this.open().catch((error: unknown) => {
      this.forget();
      throw new McpToolError(this.name, undefined, 'connect', describe(error), error);
    });
    return this.connecting;
  }

  private async open(): Promise<Client> {
    const generation = ++this.generation;
    const client = new Client({ name: 'rxagents', version: '0.1.0' });
    client.onclose = () => {
      if (this.generation === generation) this.forget();
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      if (this.generation === generation) this.listing = undefined;
    });
    const transport = createTransport(this.options.transport);
    try {
      await client.connect(transport, { timeout: this.connectTimeout });
    } catch (error) {
      await client.close().catch(() => {});
      throw error;
    }
    return client;
  }

  private async list(): Promise<readonly McpToolInfo[]> {
    const client = await this.client();
    const tools: McpToolInfo[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? undefined : { cursor }, {
        timeout: this.connectTimeout,
      });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return tools;
  }

  private forget(): void {
    this.generation++;
    this.connecting = undefined;
    this.listing = undefined;
  }
}

function createTransport(options: McpTransportOptions): Transport {
  if (options.url !== undefined) {
    const headers = options.headers;
    return new StreamableHTTPClientTransport(
      new URL(options.url),
      headers === undefined ? undefined : { requestInit: { headers: { ...headers } } },
    );
  }
  const { command, args } = guardedCommand(options.command, options.args ?? []);
  return new StdioClientTransport({
    command,
    args,
    ...(options.env === undefined ? {} : { env: { ...options.env } }),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// The SDK's HTTP errors carry the status as `code` and often an empty message after the colon.
function describe(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = messageOf(error).replace(/:\s*$/, '');
  return error instanceof Error && error.name !== 'McpError' && typeof code === 'number'
    ? `${message} (status ${code})`
    : message;
}

/** What a failed request means, as an {@link McpToolError}. */
export function toMcpToolError(toolset: string, tool: string | undefined, error: unknown): McpToolError {
  if (error instanceof McpToolError) return error;
  // A server's McpError arrives prefixed twice ("MCP error -32602: MCP error -32602: …"): keep one.
  const message = messageOf(error).replace(/^(MCP error -?\d+: )\1+/, '$1');
  if (error instanceof McpError) {
    if (error.code === ErrorCode.RequestTimeout)
      return new McpToolError(toolset, tool, 'timeout', message, error);
    if (error.code === ErrorCode.ConnectionClosed)
      return new McpToolError(toolset, tool, 'connection-closed', message, error);
    if (error.code === ErrorCode.InvalidParams && tool !== undefined && /not found|unknown/i.test(message))
      return new McpToolError(toolset, tool, 'unknown-tool', message, error);
    return new McpToolError(toolset, tool, 'server-error', message, error);
  }
  // The SDK checks every answer against the protocol's zod schemas; a failed check is a ZodError.
  if (error instanceof Error && Array.isArray((error as { issues?: unknown }).issues))
    return new McpToolError(toolset, tool, 'malformed-response', message, error);
  return new McpToolError(toolset, tool, 'server-error', message, error);
}
