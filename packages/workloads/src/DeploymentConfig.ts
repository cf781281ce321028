import type { DeploymentSpec } from './GoalSeekingAgentOptions.js';

/**
 * What `Workload.deploy` takes: a {@link DeploymentSpec} and optionally the deployment id
 * (generated when absent).
 *
 * @example
 * ```ts
 * const config: DeploymentConfig = { goal: 'ship it', phases: [{ name: 'build', agent: build }] };
 * ```
 */
export type DeploymentConfig = DeploymentSpec & { readonly deploymentId?: string };
