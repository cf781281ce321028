import type { Event } from '@rxagents/core';
import type { Redis } from 'ioredis';
import {
  asyncScheduler,
  firstValueFrom,
  type Observable,
  race,
  type SchedulerLike,
  Subject,
  timer,
} from 'rxjs';
import type { Keys } from '../keys.js';

interface RunningJob {
  cancel(): void;
  crash(): void;
}

/**
 * The jobs one worker holds: the invocations it is running (so a cancellation from any process,
 * or the worker's own crash, reaches them) and the count of jobs between pick-up and settling (so
 * a graceful close knows when it may stop waiting).
 */
export class JobRegistry {
  private readonly running = new Map<string, RunningJob>();
  private readonly drained = new Subject<void>();
  // A crashed job never settles, and is not waited for.
  private pickedUp = 0;
  private crashing = false;

  constructor(
    private readonly commands: Redis,
    private readonly keys: Keys,
    private readonly scheduler: SchedulerLike = asyncScheduler,
  ) {}

  /** Jobs picked up and not settled yet. */
  get inFlight(): number {
    return this.pickedUp;
  }

  /** Counts `process` as in flight until it settles. */
  async track<T>(process: () => Promise<T>): Promise<T> {
    this.pickedUp++;
    try {
      return await process();
    } finally {
      this.pickedUp--;
      if (this.pickedUp === 0) this.drained.next();
    }
  }

  /** Resolves when no job is in flight, or after `graceMillis` (never, when infinite). */
  whenDrained(graceMillis: number): Promise<void> {
    if (this.pickedUp === 0) return Promise.resolve();
    const drained = this.drained.asObservable();
    const end = Number.isFinite(graceMillis) ? race(drained, timer(graceMillis, this.scheduler)) : drained;
    return firstValueFrom(end).then(() => undefined);
  }

  /** Whether this worker crashed on purpose (its errors are expected then). */
  get crashed(): boolean {
    return this.crashing;
  }

  /** Stops the invocation held here, if any, as cancelled. */
  cancel(invocationId: string): void {
    this.running.get(invocationId)?.cancel();
  }

  /** Tears every running job down without settling it, so each stays locked for another worker. */
  crashAll(): void {
    this.crashing = true;
    for (const job of [...this.running.values()]) job.crash();
  }

  /**
   * Runs the invocation's events through `onEvent`; settles when it completes, fails or is
   * cancelled, and never when the worker crashes on purpose (the job must stay locked then).
   */
  execute(
    invocationId: string,
    events$: Observable<Event>,
    onEvent: (event: Event) => void,
  ): Promise<'completed' | 'cancelled'> {
    return new Promise((resolve, reject) => {
      // A worker that crashed on purpose starts nothing more (its jobs belong to others now).
      if (this.crashing) return;
      let stopped = false;
      let subscription: { unsubscribe(): void } | undefined;
      const stop = (): void => {
        stopped = true;
        subscription?.unsubscribe();
        this.running.delete(invocationId);
      };
      const forget = (): void => {
        this.running.delete(invocationId);
      };
      const handle: RunningJob = {
        cancel: () => {
          stop();
          resolve('cancelled');
        },
        crash: stop,
      };
      this.running.set(invocationId, handle);
      // The cancel may have been published before this job was registered: the key says so.
      this.commands.exists(this.keys.cancel(invocationId)).then(
        (flagged) => {
          if (stopped || this.crashing) return;
          if (flagged === 1) {
            handle.cancel();
            return;
          }
          subscription = events$.subscribe({
            next: onEvent,
            error: (error: unknown) => {
              forget();
              reject(error);
            },
            complete: () => {
              forget();
              resolve('completed');
            },
          });
        },
        (error: unknown) => {
          forget();
          reject(error);
        },
      );
    });
  }
}
