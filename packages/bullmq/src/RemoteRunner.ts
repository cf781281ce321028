import {
  type Event,
  InvalidRequestError,
  type JsonValue,
  type RunRequest,
  RxAgentsError,
} from '@rxagents/core';
import type { Redis } from 'ioredis';
import { fromEvent, Observable, takeUntil } from 'rxjs';
import type { QueueLocation } from './connection.js';
import { unavailable } from './connection.js';
import { fromWire, RemoteRunError } from './errors.js';
import { QueueClient } from './internal/QueueClient.js';
import { type Runtime, runtimeOf } from './internal/runtime.js';
import { ENTRY, type RunJobData, type WireError } from './protocol.js';
import type { RuntimeOptions } from './RuntimeOptions.js';

/** Options of {@link RemoteRunner}. */
export interface RemoteRunnerOptions extends QueueLocation, RuntimeOptions {
  /** App name of the sessions (as `Runner`'s). */
  readonly appName: string;
  /** Name of the agent in the workers' `agents` registry. */
  readonly agent: string;
  /**
   * How long one blocking read of the event stream waits before checking that the job is still
   * alive (a job that failed without its worker writing an end marker, e.g. after too many
   * takeovers). Default 1000 ms.
   */
  readonly pollMillis?: number;
  /** Seconds a finished job's record stays in BullMQ. Default 3600. */
  readonly keepJobsSeconds?: number;
}

/**
 * One call of {@link RemoteRunner.run}: `Runner`'s request, where `resume` can only be answers
 * to paused requests (resuming an interrupted invocation is the worker's own business).
 * `newMessage`, `stateDelta` and the answers must be JSON (they travel in the job).
 */
export type RemoteRunRequest = Omit<RunRequest, 'resume'> & {
  /**
   * Answers for paused requests, by request id (see `pendingRequests`): the worker that takes the
   * job resumes the paused invocation over the shared session, whichever worker paused it.
   */
  readonly resume?: Readonly<Record<string, JsonValue>>;
};

/**
 * A `Runner` whose invocations run on BullMQ workers ({@link startWorker}) instead of in this
 * process, with the same `run()` signature: the agent is looked up by name in the workers'
 * registry, sessions live in the workers' (shared, durable) session service, and the events
 * stream back to the caller as they are committed.
 *
 * `run()` is cold. Subscribing enqueues a job (id = the invocation id: `request.invocationId`,
 * or a generated one) and reads the invocation's Redis Stream on a connection of its own; the
 * Observable emits every event the worker's `Runner` emits, in order, each once (a worker that
 * took over a job after another died re-emits the events from the start of the invocation; they
 * are dropped here by id), and completes when the run does. A failed run errors with the worker's
 * error rebuilt by core's `errorFromCode`: an `RxAgentsError` of the same class (when its
 * package registered it in this process, else a plain `RxAgentsError`), `code`, `agent`, `field`
 * and other fields, or a {@link RemoteRunError}. A run that pauses for input (see `requestInput`)
 * completes like a local `Runner`'s, its request events last;
 * `run({ userId, sessionId, resume: { [requestId]: answer } })` resumes it on whichever worker
 * takes the job (the resume errors — `InvalidAnswerError`, `UnknownRequestError`,
 * `RequestAlreadyAnsweredError`, … — arrive as their own classes). Unsubscribing (or aborting
 * `signal`) cancels the run on whichever
 * worker holds it, or takes the job off the queue if none does yet. Redis unreachable:
 * `BackendUnavailableError('redis', …)` within `connectTimeoutMillis`.
 *
 * @example
 * ```ts
 * import { RemoteRunner } from '@rxagents/bullmq';
 * const runner = new RemoteRunner({ connection: 'redis://127.0.0.1:6379', appName: 'stories', agent: 'storyteller' });
 * const sub = runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'a story about a fox' })
 *   .subscribe((e) => console.log(e.author, e.content));
 * sub.unsubscribe(); // stops it on the worker
 * runner.queueDepth().subscribe((n) => console.log('waiting:', n));
 * await runner.close();
 * ```
 */
export class RemoteRunner {
  readonly appName: string;
  readonly agent: string;
  private readonly client: QueueClient;
  private readonly pollMillis: number;
  private readonly keepJobsSeconds: number;
  private readonly runtime: Runtime;

  constructor(options: RemoteRunnerOptions) {
    this.runtime = runtimeOf(options);
    this.appName = options.appName;
    this.agent = options.agent;
    this.client = new QueueClient(options);
    this.pollMillis = options.pollMillis ?? 1000;
    this.keepJobsSeconds = options.keepJobsSeconds ?? 3600;
  }

  /** Runs one invocation on a worker; cold: nothing is enqueued until subscription. */
  run(request: RemoteRunRequest): Observable<Event> {
    const signal = request.signal;
    const run = new Observable<Event>((subscriber) => {
      if (signal?.aborted === true) {
        subscriber.complete();
        return;
      }
      const invocationId = request.invocationId ?? `inv-${this.runtime.ids()}`;
      if (invocationId.includes(':')) {
        subscriber.error(
          new InvalidRequestError(this.agent, 'invocationId', `must not contain ':' (got '${invocationId}')`),
        );
        return;
      }
      const stream = this.client.keys.events(invocationId);
      let active = true;
      let finished = false;
      let reader: Redis | undefined;
      const seen = new Set<string>();

      const consume = async (): Promise<void> => {
        const { queue, commands } = await this.client.ready();
        if (!active) return;
        // Workers announce what they host; a name none of them ever announced would wait forever.
        const keys = this.client.keys;
        const [announced, hosted] = await Promise.all([
          commands.hlen(keys.registry),
          commands.hexists(keys.registry, `agent:${this.agent}`),
        ]);
        if (announced > 0 && hosted === 0) {
          throw new InvalidRequestError(
            this.agent,
            'agent',
            `no worker of queue '${this.client.location.queueName}' hosts an agent named '${this.agent}'`,
          );
        }
        if (!active) return;
        reader = await this.client.dedicated('event stream');
        if (!active) {
          reader.disconnect();
          return;
        }
        const data: RunJobData = {
          kind: 'run',
          appName: this.appName,
          agent: this.agent,
          userId: request.userId,
          sessionId: request.sessionId,
          invocationId,
          ...(request.newMessage === undefined ? {} : { newMessage: request.newMessage }),
          ...(request.stateDelta === undefined ? {} : { stateDelta: request.stateDelta }),
          ...(request.resume === undefined ? {} : { answers: request.resume }),
        };
        await queue.add('run', data, {
          jobId: invocationId,
          attempts: 1,
          removeOnComplete: { age: this.keepJobsSeconds },
          removeOnFail: { age: this.keepJobsSeconds },
        });
        let cursor = '0';
        // One entry; true when the run is over.
        const take = (fields: readonly string[]): boolean => {
          const entry = pairs(fields);
          if (entry.t === ENTRY.event && entry.event !== undefined) {
            const event = JSON.parse(entry.event) as Event;
            if (seen.has(event.id)) return false;
            seen.add(event.id);
            subscriber.next(event);
            return false;
          }
          if (entry.t === ENTRY.error && entry.error !== undefined) {
            finished = true;
            subscriber.error(fromWire(JSON.parse(entry.error) as WireError));
            return true;
          }
          if (entry.t === ENTRY.end) {
            finished = true;
            subscriber.complete();
            return true;
          }
          return false;
        };
        const read = async (block: boolean): Promise<'more' | 'idle' | 'over'> => {
          const args: (string | number)[] = block ? ['BLOCK', this.pollMillis] : [];
          const result = (await reader!.xread(...(args as ['BLOCK', number]), 'STREAMS', stream, cursor)) as
            | [string, [string, string[]][]][]
            | null;
          if (!active) return 'over';
          const entries = result?.[0]?.[1] ?? [];
          if (entries.length === 0) return 'idle';
          for (const [id, fields] of entries) {
            cursor = id;
            if (take(fields) || !active) return 'over';
          }
          return 'more';
        };
        while (active) {
          const step = await read(true);
          if (step === 'over') break;
          if (step === 'more') continue;
          // Nothing for a while: is the job still there to produce something?
          const state = await queue.getJobState(invocationId);
          if (state !== 'failed' && state !== 'unknown' && state !== 'completed') continue;
          // It may have ended right after the read: drain before deciding.
          while (active) {
            const rest = await read(false);
            if (rest !== 'more') break;
          }
          if (!active || finished) break;
          const job = await queue.getJob(invocationId);
          finished = true;
          subscriber.error(
            new RemoteRunError(
              'JobLost',
              `invocation '${invocationId}': job ${state} without ending its event stream${job?.failedReason ? `: ${job.failedReason}` : ''}`,
            ),
          );
          break;
        }
        if (finished) await commands.del(stream).catch(() => undefined);
      };

      consume().catch((error: unknown) => {
        if (!active || finished) return;
        finished = true;
        subscriber.error(error instanceof RxAgentsError ? error : unavailable(error, 'remote run'));
      });

      return () => {
        active = false;
        reader?.disconnect();
        if (!finished) {
          this.client.cancel(invocationId).catch(() => undefined);
        }
      };
    });
    return signal === undefined ? run : run.pipe(takeUntil(fromEvent(signal, 'abort')));
  }

  /**
   * How many jobs wait for a worker (enqueued, not yet picked up), on subscription and then every
   * `intervalMillis` (default 1000) when it changes. Errors with `BackendUnavailableError` when
   * Redis is unreachable.
   */
  queueDepth(options: { readonly intervalMillis?: number } = {}): Observable<number> {
    return this.client.queueDepth(options.intervalMillis ?? 1000);
  }

  /** Closes the queue connection (subscribed runs' own readers close when they end). */
  close(): Promise<void> {
    return this.client.close();
  }
}

function pairs(fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]!] = fields[i + 1]!;
  return out;
}
