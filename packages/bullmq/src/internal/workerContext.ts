import type { SessionService } from '@rxagents/core';
import type { Redis } from 'ioredis';
import type { SchedulerLike } from 'rxjs';
import type { Keys } from '../keys.js';
import type { JobResult } from '../protocol.js';
import type { WorkerActivity } from '../startWorker.js';
import type { JobRegistry } from './jobRegistry.js';

/** What both job processors of one worker share: its name, connection, sessions and jobs. */
export interface WorkerContext {
  readonly workerId: string;
  readonly keys: Keys;
  /** The worker's command connection (not the cancellation subscriber). */
  readonly commands: Redis;
  readonly sessionService: SessionService;
  readonly jobs: JobRegistry;
  readonly report: (activity: WorkerActivity) => void;
  /** The worker's clock: record and log times, its Runners' event times. */
  readonly scheduler: SchedulerLike;
}

/** Runs one job's data; `resumed` when a worker died holding the job and this attempt takes over. */
export type JobProcessor<D> = (data: D, resumed: boolean) => Promise<JobResult>;
