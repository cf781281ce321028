import type { JsonValue } from '@rxagents/core';
import { lastValueFrom } from 'rxjs';
import type { DeploymentInfo, Workload } from './Workload.js';
import type { WorkloadClient } from './WorkloadClient.js';

/**
 * A {@link WorkloadClient} over an in-process `Workload`: each command is the workload's own,
 * its answer (or thrown error) settled as a Promise; `respond` resolves once the answer is
 * committed.
 *
 * @example
 * ```ts
 * import { agent } from '@rxagents/core';
 * import { asWorkloadClient, Workload } from '@rxagents/workloads';
 * import { EMPTY } from 'rxjs';
 * const workload = new Workload();
 * const id = workload.deploy({ goal: 'g', phases: [{ name: 'build', agent: agent('b', () => EMPTY) }] });
 * const client = asWorkloadClient(workload);
 * console.log((await client.status(id)).status);
 * ```
 */
export function asWorkloadClient(workload: Workload): WorkloadClient<DeploymentInfo> {
  return {
    status: async (id) => workload.status(id),
    list: async () => workload.list(),
    logs: async (id, lines) => workload.logs(id, lines),
    stop: async (id) => workload.stop(id),
    start: async (id) => workload.start(id),
    respond: (id: string, requestId: string, answer: JsonValue) =>
      lastValueFrom(workload.respond(id, requestId, answer), { defaultValue: undefined }),
    cleanup: async (id) => workload.cleanup(id),
  };
}
