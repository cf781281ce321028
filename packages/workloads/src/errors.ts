import { RxAgentsError, registerErrorClass } from '@rxagents/core';
import type { ConfigProblem } from './ConfigProblem.js';

/**
 * A workload was asked about a deployment id it does not hold (never deployed, or cleaned up).
 *
 * @example
 * ```ts
 * import { DeploymentNotFoundError, Workload } from '@rxagents/workloads';
 *
 * const workload = new Workload();
 * try {
 *   workload.status('nope');
 * } catch (e) {
 *   if (e instanceof DeploymentNotFoundError) console.log(e.deploymentId); // 'nope'
 * }
 * ```
 */
export class DeploymentNotFoundError extends RxAgentsError {
  readonly deploymentId: string;
  constructor(deploymentId: string) {
    super('DEPLOYMENT_NOT_FOUND', `Deployment '${deploymentId}' not found`, { field: 'deploymentId' });
    this.deploymentId = deploymentId;
  }
}

/**
 * A deployment config (or `GoalSeekingAgent` options) has problems; nothing was started.
 * Code `INVALID_AGENT_CONFIG`, `field` is the first problem's field, `problems` lists them all.
 *
 * @example
 * ```ts
 * import { InvalidDeploymentConfigError, Workload } from '@rxagents/workloads';
 *
 * const workload = new Workload();
 * try {
 *   workload.deploy({ goal: '', phases: [] });
 * } catch (e) {
 *   if (e instanceof InvalidDeploymentConfigError) console.log(e.problems);
 * }
 * ```
 */
export class InvalidDeploymentConfigError extends RxAgentsError {
  readonly problems: readonly ConfigProblem[];
  constructor(agent: string | undefined, problems: readonly ConfigProblem[]) {
    super(
      'INVALID_AGENT_CONFIG',
      `Invalid deployment config: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
      { agent, field: problems[0]?.field },
    );
    this.problems = problems;
  }
}

/**
 * `respond()` was called on a deployment that is not waiting for input (it is running, finished,
 * stopped, or an answer is being committed); nothing was changed.
 *
 * @example
 * ```ts
 * import { agent, text } from '@rxagents/core';
 * import { DeploymentNotWaitingError, Workload } from '@rxagents/workloads';
 * import { of } from 'rxjs';
 *
 * const build = agent('build', (ctx) => of(ctx.newEvent({ content: text('built') })));
 * const workload = new Workload();
 * const id = workload.deploy({ goal: 'a deployed web app', phases: [{ name: 'build', agent: build }] });
 * // Nothing asked for input: the answer is refused and nothing changes.
 * workload.respond(id, 'no-such-request', true).subscribe({
 *   error: (e: unknown) => e instanceof DeploymentNotWaitingError && console.log(e.status),
 * });
 * ```
 */
export class DeploymentNotWaitingError extends RxAgentsError {
  readonly deploymentId: string;
  readonly status: string;
  constructor(deploymentId: string, status: string) {
    super('DEPLOYMENT_NOT_WAITING', `Deployment '${deploymentId}' is ${status}, not waiting for input`, {
      field: 'status',
    });
    this.deploymentId = deploymentId;
    this.status = status;
  }
}

// Rebuilt as their own classes when they cross a process boundary (see registerErrorClass).
registerErrorClass('DEPLOYMENT_NOT_FOUND', DeploymentNotFoundError);
registerErrorClass('INVALID_AGENT_CONFIG', InvalidDeploymentConfigError);
registerErrorClass('DEPLOYMENT_NOT_WAITING', DeploymentNotWaitingError);
