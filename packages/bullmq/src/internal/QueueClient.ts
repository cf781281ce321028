import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { defer, distinctUntilChanged, from, type Observable, switchMap, timer } from 'rxjs';
import { connectRedis, type Location, locate, type QueueLocation, unavailable } from '../connection.js';
import { Keys } from '../keys.js';
import type { JobData, JobResult } from '../protocol.js';
import { luaScript } from './luaScript.js';

// Marks the job (KEYS[1], BullMQ's hash of it) cancelled, then tells the workers (ARGV[1]: the
// channel, ARGV[2]: the invocation id). The mark goes into the job's data, which BullMQ hands the
// worker that takes the job: a JSON object, so `{"cancelled":true,` replaces its opening brace
// (re-encoding it with cjson would round its numbers). One script, so a worker that took the job
// before it ran gets the message, and one that takes it after finds the mark.
const CANCELLED = '{"cancelled":true,';
const CANCEL = luaScript(
  'rxCancelJob',
  1,
  `local data = redis.call('HGET', KEYS[1], 'data')
if data and #data > 2 and string.sub(data, 1, 1) == '{' and string.find(data, '${CANCELLED}', 1, true) ~= 1 then
  redis.call('HSET', KEYS[1], 'data', '${CANCELLED}' .. string.sub(data, 2))
end
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1`,
);

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

  /**
   * Cancels an enqueued job: marks it (its data gets `cancelled: true`), so no worker that
   * takes it later runs it, and publishes the cancellation for the worker that holds it. The job
   * should exist already: one added after this carries no mark, and only the workers' memory of
   * the message (a minute; see `JobRegistry.cancel`) keeps it from running.
   */
  async cancel(invocationId: string): Promise<void> {
    const { commands, queue } = await this.ready();
    await CANCEL(commands, queue.toKey(invocationId), this.keys.cancelChannel, invocationId);
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
