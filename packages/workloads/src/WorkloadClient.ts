import type { JsonValue } from '@rxagents/core';
import type { StatusUpdate } from './DeploymentStatus.js';
import type { DeploymentInfo } from './Workload.js';

/**
 * The commands of a workload, wherever its deployments run: in this process (`Workload`, through
 * {@link asWorkloadClient}), on BullMQ workers (`DistributedWorkload` from `@rxagents/bullmq`),
 * or in another process on this machine (the `rxagents` command line's control sockets). Code
 * that manages deployments — the `rxagents status`, `logs`, `stop`, `start`, `respond`,
 * `cleanup` and `list` commands — is written once against it.
 *
 * **Why Promises, not Observables.** The charter has adapters expose Observables; these commands
 * are the exception, for three reasons. Each is one request with exactly one answer (a value or
 * an error), so an Observable would only add a subscribe-to-send step. Its callers are command
 * lines and scripts that await one command after another. And none can be withdrawn once sent —
 * a stop that reached Redis or a host's socket is carried out whether or not anyone is still
 * listening — so unsubscription, the one thing an Observable would add, would promise a
 * cancellation no backend gives. What is a stream stays an Observable on the implementations
 * (`Workload.status$` / `logs$`, `DistributedWorkload.status$` / `logs$`).
 *
 * @example
 * ```ts
 * import { asWorkloadClient, Workload, type WorkloadClient } from '@rxagents/workloads';
 * async function stopAll(client: WorkloadClient): Promise<number> {
 *   let stopped = 0;
 *   for (const { id } of await client.list()) if (await client.stop(id)) stopped++;
 *   return stopped;
 * }
 * await stopAll(asWorkloadClient(new Workload()));
 * ```
 * @typeParam Info the rows of `list()` (a backend may say more than {@link DeploymentInfo})
 */
export interface WorkloadClient<Info extends DeploymentInfo = DeploymentInfo> {
  /** The deployment's current status. Rejects with `DeploymentNotFoundError` (or the backend's "not here"). */
  status(id: string): Promise<StatusUpdate>;
  /** Every deployment held, in deployment order. */
  list(): Promise<readonly Info[]>;
  /** The last `lines` log lines (default 100), oldest first. */
  logs(id: string, lines?: number): Promise<readonly string[]>;
  /** Cancels the deployment's run; false when it had already ended. */
  stop(id: string): Promise<boolean>;
  /** Resumes a stopped deployment at the phase it was in; false when it is not stopped. */
  start(id: string): Promise<boolean>;
  /** Answers a request of a `waiting` deployment; resolves once the answer is taken. */
  respond(id: string, requestId: string, answer: JsonValue): Promise<void>;
  /** Stops the deployment and deletes its session, status and logs. */
  cleanup(id: string): Promise<{ readonly status: 'cleaned' }>;
}
