import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { defer, distinctUntilChanged, from, type Observable, switchMap, timer } from 'rxjs';
import { connectRedis, type Location, locate, type QueueLocation, unavailable } from '../connection.js';
import { Keys } from '../keys.js';
import type { JobData, JobResult } from '../protocol.js';

/** @internal The caller's side of the queue: one command connection and the BullMQ queue on it. */
export interface Connected {
  readonly commands: Redis;
  readonly queue: Queue<JobData, JobResult>;
}

/**
 * @internal Connects lazily (so constructors stay synchronous) and once; a failed connection is
 * forgotten, so the next call tries again.
 */
export class QueueClient {
  readonly location: Location;
  readonly keys: Keys;
  private connecting: Promise<Connected> | undefined;
  private closed = false;

  constructor(options: QueueLocation) {
    this.location = locate(options);
    this.keys = new Keys(this.location);
  }

  ready(): Promise<Connected> {
    if (this.closed) return Promise.reject(unavailable(new Error('closed'), 'queue client'));
    this.connecting ??= (async () => {
      const commands = await connectRedis(this.location, 'queue');
      const queue = new Queue<JobData, JobResult>(this.location.queueName, {
        connection: commands,
        prefix: this.location.prefix,
      });
      queue.on('error', () => undefined);
      return { commands, queue };
    })();
    const connecting = this.connecting;
    connecting.catch(() => {
      if (this.connecting === connecting) this.connecting = undefined;
    });
    return connecting;
  }

  /** Opens a connection of its own (a blocking read must not hold up the shared one). */
  dedicated(purpose: string, name?: string): Promise<Redis> {
    return connectRedis(this.location, purpose, name);
  }

  /** Jobs waiting for a worker (not yet active), polled every `intervalMillis`. */
  queueDepth(intervalMillis: number): Observable<number> {
    return timer(0, intervalMillis).pipe(
      switchMap(() =>
        defer(() =>
          from(
            this.ready()
              .then(({ queue }) => queue.getJobCounts('wait', 'prioritized', 'paused'))
              .then((counts) => (counts.wait ?? 0) + (counts.prioritized ?? 0) + (counts.paused ?? 0))
              .catch((error: unknown) => {
                throw unavailable(error, 'reading the queue depth');
              }),
          ),
        ),
      ),
      distinctUntilChanged(),
    );
  }

  async cancel(invocationId: string): Promise<void> {
    const { commands, queue } = await this.ready();
    await commands.set(this.keys.cancel(invocationId), '1', 'EX', 24 * 3600);
    await commands.publish(this.keys.cancelChannel, invocationId);
    // Not picked up yet: take it off the queue (a no-op when a worker holds it, which the
    // published message reaches).
    const job = await queue.getJob(invocationId);
    if (job !== undefined && (await job.isWaiting())) await job.remove().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const connecting = this.connecting;
    this.connecting = undefined;
    if (connecting === undefined) return;
    const connected = await connecting.catch(() => undefined);
    if (connected === undefined) return;
    await connected.queue.close().catch(() => undefined);
    await connected.commands.quit().catch(() => connected.commands.disconnect());
  }
}
