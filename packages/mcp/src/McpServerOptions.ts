import type { BaseAgent, Runner, SessionService } from '@rxagents/core';

interface ServerInfo {
  /** Server name sent to clients in `initialize`. Default `'rxagents'`. */
  readonly name?: string;
  readonly version?: string;
  /** User id of the sessions of our own that MCP sessions map to. Default `'mcp'`. */
  readonly userId?: string;
}

/** Serve each agent as one tool, each with a `Runner` of its own over a shared session service. */
export interface McpServeAgents extends ServerInfo {
  readonly agents: readonly BaseAgent[];
  /** Where the runs' sessions live. Default a new `InMemorySessionService`. */
  readonly sessionService?: SessionService;
  /** `appName` of those runners. Default `'mcp'`. */
  readonly appName?: string;
  readonly runner?: never;
}

/** Serve the root agent of an existing `Runner` (its sessions, tracer, run config) as one tool. */
export interface McpServeRunner extends ServerInfo {
  readonly runner: Runner;
  readonly agents?: never;
  readonly sessionService?: never;
  readonly appName?: never;
}

/** Options of {@link mcpServer}: agents, or a Runner. */
export type McpServerOptions = McpServeAgents | McpServeRunner;

/** Options of `RxAgentsMcpServer.listen`. */
export interface McpListenOptions {
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Default `'127.0.0.1'`. */
  readonly host?: string;
  /** Path of the MCP endpoint. Default `'/mcp'`. */
  readonly path?: string;
}
