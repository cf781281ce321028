import { type Event, InvalidRequestError, type JsonValue, type RunRequest } from '@rxagents/core';
import type { Redis } from 'ioredis';
import { fromEvent, Observable, takeUntil } from 'rxjs';
import type { QueueLocation } from './connection.js';
import { RemoteRunError } from './errors.js';
import { QueueClient } from './internal/QueueClient.js';
import { RunStream } from './internal/runStream.js';
import { type Runtime, runtimeOf } from './internal/runtime.js';
import { StreamReader } from './internal/streamReader.js';
import type { RunJobData } from './protocol.js';
import type { RuntimeOptions } from './RuntimeOptions.js';

/** Options of {@link RemoteRunner}. */
export interface RemoteRunnerOptions extends QueueLocation, RuntimeOptions {
  /** App name of the sessions (as `Runner`'s). */
  readonly appName: string;
  /** Name of the agent in the workers' `agents` registry. */
  readonly agent: string;
  /**
   * How long a run's event stream may stay quiet before checking that its job is still alive (a
   * job that failed without its worker writing an end marker, e.g. after too many takeovers); also
   * the longest one blocking read of the shared reader waits. Default 1000 ms.
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
 * or a generated one) and reads the invocation's Redis Stream (every run of one `RemoteRunner`
 * shares one blocking connection for that, opened on the first run and closed by `close`); the
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
  private readonly reader: StreamReader;
  private readonly runtime: Runtime;
  // A worker announced the agent: announcements are never withdrawn, so one check is enough.
  private hosted = false;

  constructor(options: RemoteRunnerOptions) {
    this.runtime = runtimeOf(options);
    this.appName = options.appName;
    this.agent = options.agent;
    this.client = new QueueClient(options);
    this.pollMillis = options.pollMillis ?? 1000;
    this.keepJobsSeconds = options.keepJobsSeconds ?? 3600;
    this.reader = new StreamReader(this.client, this.pollMillis, this.runtime.scheduler);
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
      const stream = new RunStream(this.client, invocationId, subscriber);
      const enqueued = this.enqueue(request, invocationId, stream);
      enqueued.then(() => stream.follow(this.reader)).catch((error: unknown) => stream.fail(error));

      return () => {
        stream.stop();
        if (stream.finished) return;
        // The cancellation marks the queued job, so it waits for the add (an add whose answer
        // was lost may still have landed: cancel then too).
        const cancel = (): void => {
          this.client.cancel(invocationId).catch(() => undefined);
        };
        void enqueued.then((added) => added && cancel(), cancel);
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

  /**
   * Closes the queue connection and the event-stream reader the runs share; runs still subscribed
   * error with `BackendUnavailableError`.
   */
  async close(): Promise<void> {
    await this.reader.close();
    await this.client.close();
  }

  // Enqueues the run's job, unless the subscriber has gone meanwhile; false when it had.
  private async enqueue(
    request: RemoteRunRequest,
    invocationId: string,
    stream: RunStream,
  ): Promise<boolean> {
    const { queue, commands } = await this.client.ready();
    if (!stream.live) return false;
    await this.checkHosted(commands);
    if (!stream.live) return false;
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
    return true;
  }

  // Workers announce what they host; a name none of them ever announced would wait forever.
  private async checkHosted(commands: Redis): Promise<void> {
    if (this.hosted) return;
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
    this.hosted = hosted === 1;
  }
}
