export { asWorkloadClient } from './asWorkloadClient.js';
export type { ConfigProblem } from './ConfigProblem.js';
export type { DeploymentConfig } from './DeploymentConfig.js';
export { type DeploymentStatus, isTerminalStatus, type StatusUpdate } from './DeploymentStatus.js';
export { DEPLOYMENT_DEFAULTS } from './deploymentDefaults.js';
export { DEPLOYMENT_LOG } from './deploymentLog.js';
export {
  type DeploymentProjection,
  deploymentProjector,
  type ProjectedSeeker,
} from './deploymentProjector.js';
export {
  DeploymentNotFoundError,
  DeploymentNotWaitingError,
  InvalidDeploymentConfigError,
} from './errors.js';
export { formatLogLine } from './formatLogLine.js';
export type { GoalSeekerSnapshot } from './GoalSeekerSnapshot.js';
export { GoalSeekingAgent } from './GoalSeekingAgent.js';
export type {
  DeploymentHandleOptions,
  DeploymentSpec,
  EvaluationOptions,
  GoalSeekingAgentOptions,
} from './GoalSeekingAgentOptions.js';
export { GoalSeekingDeployment } from './GoalSeekingDeployment.js';
export { type GoalVerdict, readGoalVerdict, type VerdictReader } from './GoalVerdict.js';
export type { Phase } from './Phase.js';
export { DEPLOYMENT_KEYS, EVALUATION_PHASE, GOAL_KEYS } from './stateKeys.js';
export { validateConfig } from './validateConfig.js';
export { type DeploymentInfo, Workload, type WorkloadOptions } from './Workload.js';
export type { WorkloadClient } from './WorkloadClient.js';
