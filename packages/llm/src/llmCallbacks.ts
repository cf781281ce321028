import type { CallbackContext } from '@rxagents/core';
import type { MaybeAsync } from './internal/toObservable.js';
import type { LlmRequest, LlmResponse } from './Model.js';
import type { Tool, ToolArgs, ToolResult } from './Tool.js';
import type { ToolContext } from './ToolContext.js';

// The one shape of the model callbacks: they differ only in what they are handed. The labelled
// tuple keeps the parameter names (`request`, `response`) that editors show.
type ModelCallback<Args extends [context: CallbackContext, value: LlmRequest | LlmResponse]> = (
  ...args: Args
) => MaybeAsync<LlmResponse | undefined | void>;

/** Runs before each model call; returning a response skips the model. */
export type BeforeModelCallback = ModelCallback<[context: CallbackContext, request: LlmRequest]>;

/** Runs on each complete model response; returning a response replaces it. */
export type AfterModelCallback = ModelCallback<[context: CallbackContext, response: LlmResponse]>;

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
