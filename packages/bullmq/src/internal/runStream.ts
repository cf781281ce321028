import { type Event, RxAgentsError } from '@rxagents/core';
import type { Subscriber } from 'rxjs';
import { unavailable } from '../connection.js';
import { fromWire, RemoteRunError } from '../errors.js';
import { ENTRY, type WireError } from '../protocol.js';
import type { QueueClient } from './QueueClient.js';
import type { Following, StreamFollower, StreamReader } from './streamReader.js';

type XReadReply = [string, [string, string[]][]][] | null;

/**
 * One `RemoteRunner.run` subscription's side of its invocation's event stream: every event once
 * (a worker that took the job over re-emits the invocation's events from its start; they are
 * dropped by id), in order; the end marker completes the subscriber, the error marker errors it
 * with the worker's error rebuilt, and a job that ended without a marker errors it with
 * `RemoteRunError('JobLost', …)`.
 */
export class RunStream implements StreamFollower {
  private readonly seen = new Set<string>();
  private following: Following | undefined;
  private active = true;
  private ended = false;
  private checking = false;

  constructor(
    private readonly client: QueueClient,
    private readonly invocationId: string,
    private readonly subscriber: Subscriber<Event>,
  ) {}

  /** The stream ended (marker read, or failed): nothing is left to cancel on the worker. */
  get finished(): boolean {
    return this.ended;
  }

  /** Still subscribed. */
  get live(): boolean {
    return this.active;
  }

  private get stream(): string {
    return this.client.keys.events(this.invocationId);
  }

  /** Starts reading the stream (once the job is enqueued). */
  follow(reader: StreamReader): void {
    if (this.active && !this.ended) this.following = reader.follow(this.stream, this);
  }

  /** The subscriber went away: stop reading. */
  stop(): void {
    this.active = false;
    this.following?.stop();
  }

  entry(fields: readonly string[]): boolean {
    if (this.ended) return true;
    const entry = pairs(fields);
    if (entry.t === ENTRY.event && entry.event !== undefined) {
      const event = JSON.parse(entry.event) as Event;
      if (!this.seen.has(event.id)) {
        this.seen.add(event.id);
        this.subscriber.next(event);
      }
      return false;
    }
    if (entry.t !== ENTRY.error && entry.t !== ENTRY.end) return false;
    this.end();
    // The stream was for this caller: nobody reads it again.
    void this.client
      .ready()
      .then(({ commands }) => commands.del(this.stream))
      .catch(() => undefined);
    if (entry.t === ENTRY.end) this.subscriber.complete();
    else this.subscriber.error(fromWire(JSON.parse(entry.error ?? '{}') as WireError));
    return true;
  }

  quiet(): void {
    if (this.checking) return;
    this.checking = true;
    this.checkAlive()
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.checking = false;
      });
  }

  fail(error: unknown): void {
    if (!this.active || this.ended) return;
    this.end();
    this.subscriber.error(error instanceof RxAgentsError ? error : unavailable(error, 'remote run'));
  }

  private end(): void {
    this.ended = true;
    this.following?.stop();
  }

  // Nothing for a poll period: is the job still there to produce something?
  private async checkAlive(): Promise<void> {
    const { queue, commands } = await this.client.ready();
    const state = await queue.getJobState(this.invocationId);
    if (!this.active || this.ended) return;
    if (state !== 'failed' && state !== 'unknown' && state !== 'completed') return;
    // It may have ended right after the last read: drain before deciding.
    const rest = (await commands.xread('STREAMS', this.stream, this.following?.cursor ?? '0')) as XReadReply;
    for (const [, fields] of rest?.[0]?.[1] ?? []) if (this.entry(fields)) return;
    if (!this.active || this.ended) return;
    const job = await queue.getJob(this.invocationId);
    const reason = job?.failedReason ? `: ${job.failedReason}` : '';
    this.fail(
      new RemoteRunError(
        'JobLost',
        `invocation '${this.invocationId}': job ${state} without ending its event stream${reason}`,
      ),
    );
  }
}

function pairs(fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]!] = fields[i + 1]!;
  return out;
}
