export type { ConfigProblem } from './ConfigProblem.js';
export type { DeploymentConfig } from './DeploymentConfig.js';
export { type DeploymentStatus, isTerminalStatus, type StatusUpdate } from './DeploymentStatus.js';
export {
  DeploymentNotFoundError,
  DeploymentNotWaitingError,
  InvalidDeploymentConfigError,
} from './errors.js';
export type { GoalSeekerSnapshot } from './GoalSeekerSnapshot.js';
export { GoalSeekingAgent } from './GoalSeekingAgent.js';
export type {
  DeploymentSpec,
  EvaluationOptions,
  GoalSeekingAgentOptions,
} from './GoalSeekingAgentOptions.js';
export { type GoalVerdict, readGoalVerdict, type VerdictReader } from './GoalVerdict.js';
export type { Phase } from './Phase.js';
export { DEPLOYMENT_KEYS, EVALUATION_PHASE, GOAL_KEYS } from './stateKeys.js';
export { validateConfig } from './validateConfig.js';
export { type DeploymentInfo, Workload, type WorkloadOptions } from './Workload.js';
