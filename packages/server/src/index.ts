export { type AgentHandler, type CorsOptions, createHandler, type HandlerOptions } from './createHandler.js';
export { HttpError, type HttpErrorCode } from './HttpError.js';
export type { DisconnectPolicy, RunStatus, RunSummary } from './internal/LiveRun.js';
export type { AgentTree } from './internal/routes.js';
