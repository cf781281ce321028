export type { McpEndpoint } from './internal/listenStreamableHttp.js';
export type {
  McpListenOptions,
  McpServeAgents,
  McpServeRunner,
  McpServerOptions,
} from './McpServerOptions.js';
export { type McpFailure, McpToolError } from './McpToolError.js';
export type {
  McpHttpTransport,
  McpStdioTransport,
  McpToolsetOptions,
  McpTransportOptions,
} from './McpToolsetOptions.js';
export { mcpServer, type RxAgentsMcpServer } from './mcpServer.js';
export { type McpToolset, mcpToolset } from './mcpToolset.js';
