export { askAnswer, describeRequest } from './askAnswer.js';
export { type DeployOptions, deployCommand } from './deployCommand.js';
export type { LifecycleSignal } from './lifecycleTracer.js';
export { lifecycleTracer } from './lifecycleTracer.js';
export { type LoadedModule, loadModule } from './loadModule.js';
export { main, processIo } from './main.js';
export { type McpServeOptions, mcpServeCommand } from './mcpServeCommand.js';
export {
  type FrameOptions,
  formatDuration,
  renderSummary,
  renderTimeline,
  type SessionInfo,
} from './renderTimeline.js';
export { requestLines } from './requestLines.js';
export { type RunTarget, resolveTarget } from './resolveTarget.js';
export { type CliIo, EXIT_INTERRUPTED, EXIT_PAUSED, type RunOptions, runCommand } from './runCommand.js';
export { type RowNote, type RowStatus, type RunTotals, Timeline, type TimelineRow } from './Timeline.js';
export { type WebOptions, webCommand } from './webCommand.js';
