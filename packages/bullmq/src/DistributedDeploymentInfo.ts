import type { StatusUpdate } from '@rxagents/workloads';

/** One row of `DistributedWorkload.list`. */
export interface DistributedDeploymentInfo extends StatusUpdate {
  readonly id: string;
  readonly goal: string;
  readonly spec: string;
  /** The worker that ran it last (`''` before one picked it up). */
  readonly worker: string;
  /** Times a worker picked one of its runs up; more than its runs when a worker died holding one. */
  readonly pickups: number;
  /** Times it reached `completed`: 1 for a completed deployment, whatever workers died meanwhile. */
  readonly completions: number;
}
