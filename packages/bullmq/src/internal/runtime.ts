import { randomUUID } from 'node:crypto';
import type { IdGenerator } from '@rxagents/core';
import { asyncScheduler, lastValueFrom, type SchedulerLike, timer } from 'rxjs';
import type { RuntimeOptions } from '../RuntimeOptions.js';

/** @internal A component's clock and ids, with their defaults. */
export interface Runtime {
  readonly scheduler: SchedulerLike;
  readonly ids: IdGenerator;
  /** Resolves after `millis` of the scheduler's time (a wait between two polls). */
  sleep(millis: number): Promise<void>;
}

/** @internal `uuidLength`: how much of a default (random UUID) id to keep. */
export function runtimeOf(options: RuntimeOptions, uuidLength?: number): Runtime {
  const scheduler = options.scheduler ?? asyncScheduler;
  const ids = options.idGenerator ?? (() => randomUUID().slice(0, uuidLength));
  return {
    scheduler,
    ids,
    sleep: (millis) => lastValueFrom(timer(millis, scheduler), { defaultValue: 0 }).then(() => undefined),
  };
}
