export { type McpFailure, McpToolError } from './McpToolError.js';
export type {
  McpHttpTransport,
  McpStdioTransport,
  McpToolsetOptions,
  McpTransportOptions,
} from './McpToolsetOptions.js';
export { type McpToolset, mcpToolset } from './mcpToolset.js';
