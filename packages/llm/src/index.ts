export { type AgentToolOptions, agentTool } from './agentTool.js';
export {
  InvalidToolConfigError,
  LlmCallsLimitExceededError,
  MissingStateKeyError,
  OUTPUT_SCHEMA_MISMATCH,
} from './errors.js';
export { exitLoopTool } from './exitLoopTool.js';
export { type FunctionToolOptions, functionTool, type ToolConfirmation } from './functionTool.js';
export type { MaybeAsync } from './internal/toObservable.js';
export {
  type Instruction,
  LlmAgent,
  type LlmAgentOptions,
} from './LlmAgent.js';
export type {
  AfterModelCallback,
  AfterToolCallback,
  BeforeModelCallback,
  BeforeToolCallback,
} from './llmCallbacks.js';
export type { GenerateOptions, LlmRequest, LlmResponse, Model, ToolDeclaration } from './Model.js';
export {
  SCRIPT_NO_MATCH,
  type ScriptedCall,
  type ScriptedFunctionCall,
  type ScriptedModel,
  type ScriptedModelOptions,
  type ScriptedReply,
  type ScriptedRule,
  scriptedModel,
} from './scriptedModel.js';
export type { Tool, ToolArgs, ToolResult } from './Tool.js';
export { ToolContext } from './ToolContext.js';
export { isToolset, type Toolset } from './Toolset.js';
export { TRANSFER_TO_AGENT, transferToAgentTool } from './transferToAgentTool.js';
