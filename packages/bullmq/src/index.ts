export type { QueueLocation, RedisConnection } from './connection.js';
export type { DistributedDeploymentInfo } from './DistributedDeploymentInfo.js';
export {
  type DistributedDeploymentConfig,
  DistributedWorkload,
  type DistributedWorkloadOptions,
} from './DistributedWorkload.js';
export { RemoteRunError } from './errors.js';
export { RemoteRunner, type RemoteRunnerOptions, type RemoteRunRequest } from './RemoteRunner.js';
export type { RuntimeOptions } from './RuntimeOptions.js';
export {
  type AgentEntry,
  type DeploymentEntry,
  type DeploymentRequest,
  type HostedDeploymentSpec,
  startWorker,
  type WorkerActivity,
  type WorkerHandle,
  type WorkerOptions,
} from './startWorker.js';
