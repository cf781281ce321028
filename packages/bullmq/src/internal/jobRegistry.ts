import type { Event } from '@rxagents/core';
import {
  asyncScheduler,
  firstValueFrom,
  type Observable,
  race,
  type SchedulerLike,
  Subject,
  timer,
} from 'rxjs';
import type { QueuedJobData } from '../protocol.js';

// How long a cancellation of a job not held here is remembered (scheduler time): far longer than
// a job takes from BullMQ handing it over to its processor starting it.
const REMEMBERED_MILLIS = 60_000;

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
  // Cancellations of invocations not held here, with when they came, oldest first.
  private readonly cancelled = new Map<string, number>();
  private readonly drained = new Subject<void>();
  // A crashed job never settles, and is not waited for.
  private pickedUp = 0;
  private crashing = false;

  constructor(private readonly scheduler: SchedulerLike = asyncScheduler) {}

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

  /**
   * Stops the invocation held here as cancelled; one not held here is remembered for a while, so
   * a job cancelled between BullMQ handing it to this worker and {@link JobRegistry.execute} (the
   * job's data predates the mark then, and the message may arrive first) is not started either.
   */
  cancel(invocationId: string): void {
    const job = this.running.get(invocationId);
    if (job !== undefined) {
      job.cancel();
      return;
    }
    const now = this.scheduler.now();
    for (const [id, at] of this.cancelled) {
      if (now - at < REMEMBERED_MILLIS) break;
      this.cancelled.delete(id);
    }
    this.cancelled.delete(invocationId);
    this.cancelled.set(invocationId, now);
  }

  /** Tears every running job down without settling it, so each stays locked for another worker. */
  crashAll(): void {
    this.crashing = true;
    for (const job of [...this.running.values()]) job.crash();
  }

  /**
   * Runs the job's events through `onEvent`; settles when it completes, fails or is cancelled,
   * and never when the worker crashes on purpose (the job must stay locked then). A job cancelled
   * before it got here — marked so in its data (a cancellation while no worker held it: before any
   * took it, or while its worker was lost), or cancelled since this worker took it — settles as
   * cancelled without subscribing to `events$`.
   *
   * Why the mark, not a cancel key: checking a key (`EXISTS`) cost a round trip between BullMQ
   * handing the job over and the run starting, where raw BullMQ has none. Measured (bench W8
   * `--commands 300 --in-flight 1`, a private Redis, one worker): `EXISTS` per invocation 3.00 →
   * 2.00 (BullMQ's own two are left), Redis commands per invocation minus the floor's in the same
   * run +1.5–5.2 → −1.5–0.1; under `MONITOR` (machine loaded), hand-over → first `XADD` median
   * 2.3–5.6 ms → 1.9–2.9 ms.
   */
  execute(
    job: QueuedJobData,
    events$: Observable<Event>,
    onEvent: (event: Event) => void,
  ): Promise<'completed' | 'cancelled'> {
    const { invocationId } = job;
    return new Promise((resolve, reject) => {
      // A worker that crashed on purpose starts nothing more (its jobs belong to others now).
      if (this.crashing) return;
      if (job.cancelled === true || this.cancelled.delete(invocationId)) {
        resolve('cancelled');
        return;
      }
      let subscription: { unsubscribe(): void } | undefined;
      let stopped = false;
      const forget = (): void => {
        this.running.delete(invocationId);
      };
      const stop = (): void => {
        stopped = true;
        subscription?.unsubscribe();
        forget();
      };
      this.running.set(invocationId, {
        cancel: () => {
          stop();
          resolve('cancelled');
        },
        crash: stop,
      });
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
      // Stopped from one of its own synchronous emissions, before `subscription` was set.
      if (stopped) subscription.unsubscribe();
    });
  }
}
