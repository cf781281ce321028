export { type AgentOperator, BaseAgent, type BaseAgentOptions } from './BaseAgent.js';
export { type AgentCallback, CallbackContext, type CallbackResult } from './CallbackContext.js';
export {
  type Content,
  type FunctionCallPart,
  type FunctionResponsePart,
  isFunctionCallPart,
  isFunctionResponsePart,
  isTextPart,
  type Part,
  type Role,
  type TextPart,
  text,
  textOf,
} from './Content.js';
export { concatLazy } from './concatLazy.js';
export {
  type Event,
  type EventActions,
  type EventInit,
  hasStateDelta,
  isFinalResponse,
  type StateConflict,
  type Usage,
} from './Event.js';
export {
  type ErrorDetails,
  errorFromCode,
  type RxAgentsErrorClass,
  registerErrorClass,
  registeredErrorClasses,
} from './errorRegistry.js';
export {
  AgentNotFoundError,
  AgentTimeoutError,
  BackendUnavailableError,
  GraphStepsExceededError,
  InvalidAgentConfigError,
  InvalidAgentOutputError,
  InvalidRequestError,
  InvalidStateError,
  RxAgentsError,
  type RxAgentsErrorCode,
  SessionConflictError,
  SessionExistsError,
  SessionNotFoundError,
  SessionStoreError,
  StateConflictError,
  StateSchemaError,
} from './errors.js';
export { exitLoop } from './exitLoop.js';
export { type AgentFn, agent, FunctionAgent } from './FunctionAgent.js';
export { GraphAgent } from './graph/GraphAgent.js';
export { graph } from './graph/graph.js';
export {
  type DirectEdge,
  END,
  type End,
  type GraphConfig,
  type GraphEdge,
  type GraphNode,
  type GraphSpec,
  type JoinEdge,
  type NodeFn,
  type NodeOptions,
  type Route,
  type Router,
  type RouterEdge,
} from './graph/graphTypes.js';
export type {
  StandardIssue,
  StandardSchema,
  StateSchema,
  StateValidator,
} from './graph/StateSchema.js';
export { InMemorySessionService } from './InMemorySessionService.js';
export {
  type InputRequest,
  type InputRequestKind,
  isInputRequest,
  type PendingRequest,
  pendingRequests,
} from './InputRequest.js';
export {
  InvocationContext,
  type InvocationContextOptions,
  type InvocationServices,
  type RunConfig,
} from './InvocationContext.js';
export { InvocationPaused, isPause } from './InvocationPaused.js';
export { type IdGenerator, randomIds, sequentialIds } from './ids.js';
export type { ConflictPolicy } from './internal/ConflictTracker.js';
export type { JsonObject, JsonValue } from './json.js';
export { LoopAgent, type LoopAgentOptions } from './LoopAgent.js';
export { loop } from './loop.js';
export { andThen } from './operators/andThen.js';
export { defer } from './operators/defer.js';
export { fallback } from './operators/fallback.js';
export { type MatchCase, match } from './operators/match.js';
export { mergeWith } from './operators/mergeWith.js';
export { type RepeatConfig, repeat } from './operators/repeat.js';
export { type RetryConfig, retry } from './operators/retry.js';
export { type TimeoutConfig, timeout } from './operators/timeout.js';
export { when } from './operators/when.js';
export { ParallelAgent, type ParallelAgentOptions } from './ParallelAgent.js';
export { parallel } from './parallel.js';
export { ReplayLog } from './ReplayLog.js';
export { Runner, type RunnerOptions, type RunRequest } from './Runner.js';
export {
  type AnswerSchema,
  type AnswerValidation,
  type RequestInputOptions,
  requestInput,
} from './requestInput.js';
export {
  InvalidAnswerError,
  isResumeFault,
  NothingPendingError,
  ReplayDivergedError,
  RequestAlreadyAnsweredError,
  RequestIdCollisionError,
  UnknownRequestError,
} from './resumeErrors.js';
export { SequentialAgent } from './SequentialAgent.js';
export { Session, type SessionKey } from './Session.js';
export type { CreateSessionRequest, SessionService, SessionSummary } from './SessionService.js';
export { STATE_PREFIX, type State, type StateDelta, StateStore } from './StateStore.js';
export { sequence } from './sequence.js';
export { parseSpanName, SpanAttribute, SpanOperation, spanName } from './spanNames.js';
export { stateKeyProblem } from './stateKeyProblem.js';
export { byAuthor } from './streams/byAuthor.js';
export { byBranch } from './streams/byBranch.js';
export { finalResponses } from './streams/finalResponses.js';
export { type StateChange, stateChanges } from './streams/stateChanges.js';
export { type TextDelta, textDeltas } from './streams/textDeltas.js';
