import type { CallbackContext } from '@rxagents/core';
import type { MaybeAsync } from './internal/toObservable.js';
import type { LlmRequest, LlmResponse } from './Model.js';
import type { Tool, ToolArgs, ToolResult } from './Tool.js';
import type { ToolContext } from './ToolContext.js';

/** Runs before each model call; returning a response skips the model. */
export type BeforeModelCallback = (
  context: CallbackContext,
  request: LlmRequest,
) => MaybeAsync<LlmResponse | undefined | void>;

/** Runs on each complete model response; returning a response replaces it. */
export type AfterModelCallback = (
  context: CallbackContext,
  response: LlmResponse,
) => MaybeAsync<LlmResponse | undefined | void>;

/** Runs before each tool call; returning a result skips the tool. */
export type BeforeToolCallback = (
  tool: Tool,
  args: ToolArgs,
  toolContext: ToolContext,
) => MaybeAsync<ToolResult | undefined | void>;

/** Runs after each tool call; returning a result replaces the tool's. */
export type AfterToolCallback = (
  tool: Tool,
  args: ToolArgs,
  toolContext: ToolContext,
  result: ToolResult,
) => MaybeAsync<ToolResult | undefined | void>;
