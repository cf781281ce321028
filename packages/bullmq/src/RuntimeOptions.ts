import type { IdGenerator } from '@rxagents/core';
import type { SchedulerLike } from 'rxjs';

/**
 * The clock and the ids of a component of this package, injected as the core injects them
 * (`Runner`'s `scheduler` and `idGenerator`): time is `scheduler.now()` — record and log
 * timestamps, `stop`/`respond` deadlines, the waits between polls — and every generated id
 * (invocation, deployment and worker ids) comes from `idGenerator`.
 *
 * @example
 * ```ts
 * import { sequentialIds } from '@rxagents/core';
 * import { DistributedWorkload } from '@rxagents/bullmq';
 * import { asyncScheduler } from 'rxjs';
 * const workload = new DistributedWorkload({
 *   connection: 'redis://127.0.0.1:6379',
 *   scheduler: asyncScheduler,
 *   idGenerator: sequentialIds('d'), // deployments 'deployment-d1', 'deployment-d2', …
 * });
 * ```
 */
export interface RuntimeOptions {
  /** Time source. Default `asyncScheduler` (the wall clock). */
  readonly scheduler?: SchedulerLike;
  /**
   * Source of generated ids. Default: random UUIDs (cut to 12 characters for deployment ids and
   * 8 for worker ids), not core's `randomIds`: these ids name jobs and records that every
   * process shares for as long as Redis keeps them, so they must be unique across processes and
   * over time, not only within one process.
   */
  readonly idGenerator?: IdGenerator;
}
