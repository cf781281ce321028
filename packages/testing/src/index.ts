export { type AssertDeepEqual, assertDeepEqual } from './assertDeepEqual.js';
export { type EventView, type ExpectedEvent, eventView, type RequestView } from './eventView.js';
export { AgentExpectation, type ExpectAgentOptions, expectAgent } from './expectAgent.js';
export type { ExpectedError, ExpectedRequest, TimelineEntry } from './expectedOutcomes.js';
export {
  type MarbleModel,
  type MarbleModelCall,
  type MarbleModelOptions,
  type MarbleResponse,
  type MarbleScript,
  marbleModel,
} from './marbleModel.js';
export {
  type AgentRecording,
  type RecordedNotification,
  type RecordOptions,
  recordAgent,
} from './recordAgent.js';
export {
  type ScriptedAgentOptions,
  type ScriptedEvent,
  type ScriptedValue,
  scriptedAgent,
} from './scriptedAgent.js';
export { type TestContextOptions, testContext } from './testContext.js';
export { testScheduler } from './testScheduler.js';
