import { type JsonValue, type SessionService, UnknownRequestError } from '@rxagents/core';
import {
  DEPLOYMENT_DEFAULTS,
  DEPLOYMENT_LOG,
  DeploymentNotWaitingError,
  formatLogLine,
  InvalidDeploymentConfigError,
  isTerminalStatus,
  type StatusUpdate,
  type WorkloadClient,
} from '@rxagents/workloads';
import { lastValueFrom, type Observable } from 'rxjs';
import type { QueueLocation } from './connection.js';
import type { DistributedDeploymentInfo } from './DistributedDeploymentInfo.js';
import { fromWire } from './errors.js';
import { DeploymentReads } from './internal/DeploymentReads.js';
import { RecordScripts, statusOf } from './internal/deploymentRecord.js';
import { QueueClient } from './internal/QueueClient.js';
import { type Runtime, runtimeOf } from './internal/runtime.js';
import type { DeploymentJobData, WireError } from './protocol.js';
import type { RuntimeOptions } from './RuntimeOptions.js';

// The type of `list()`'s rows, also importable from here, where it was first declared.
export type { DistributedDeploymentInfo } from './DistributedDeploymentInfo.js';

/** Options of {@link DistributedWorkload}. */
export interface DistributedWorkloadOptions extends QueueLocation, RuntimeOptions {
  /**
   * The workers' session service, to delete a deployment's session on `cleanup`. Without it,
   * `cleanup` removes the deployment's record and logs but leaves its session.
   */
  readonly sessionService?: SessionService;
  /** App name of the deployments' sessions (the workers' `appName`). Default `'workloads'`. */
  readonly appName?: string;
  /** User id of the deployments' sessions (the workers' `userId`). Default `'workload'`. */
  readonly userId?: string;
  /** Log lines kept per deployment (the workers'). Default 1000. */
  readonly logCapacity?: number;
  /** How long `stop` waits for the worker holding a deployment to confirm. Default 10000 ms. */
  readonly stopTimeoutMillis?: number;
  /** Seconds a finished job's record stays in BullMQ. Default 86400. */
  readonly keepJobsSeconds?: number;
}

/** What {@link DistributedWorkload.deploy} takes. */
export interface DistributedDeploymentConfig {
  /** Name of the deployment spec in the workers' `deployments` registry. */
  readonly spec: string;
  /** The goal; default: the spec's own. */
  readonly goal?: string;
  /** Default: `deployment-<random>`. Letters, digits, `.`, `_` and `-`. */
  readonly deploymentId?: string;
}

const ID = /^[A-Za-z0-9._-]+$/;

/**
 * `Workload` across processes: goal-seeking deployments run as BullMQ jobs on workers
 * ({@link startWorker}) that host the deployment specs by name, and any process can deploy,
 * inspect, stop, restart and clean up any deployment by id.
 *
 * Methods return Promises: each is one round trip to Redis, and a command line awaits them one
 * by one (use {@link DistributedWorkload.status$} for a live view). A deployment's status and
 * logs live in Redis (a hash and a list under the workload's prefix), its session in the
 * workers' session service (session id = deployment id). Until a worker picks a deployment up,
 * its `phase` is `''` and its `goal` is the one given to `deploy` (or `''`).
 *
 * @example
 * ```ts
 * import { DistributedWorkload } from '@rxagents/bullmq';
 * const workload = new DistributedWorkload({ connection: 'redis://127.0.0.1:6379' });
 * const id = await workload.deploy({ spec: 'website', goal: 'a deployed site' });
 * workload.status$(id).subscribe(({ phase, status }) => console.log(phase, status));
 * await workload.stop(id);   // true: stopped on whichever worker held it
 * await workload.start(id);  // resumes at the phase it was in
 * // a phase asked for input (status 'waiting'): answer its request
 * const [request] = (await workload.status(id)).requests ?? [];
 * if (request !== undefined) await workload.respond(id, request.id, { approved: true });
 * console.log(await workload.logs(id, 20));
 * await workload.cleanup(id);
 * await workload.close();
 * ```
 */
export class DistributedWorkload implements WorkloadClient<DistributedDeploymentInfo> {
  private readonly client: QueueClient;
  private readonly options: DistributedWorkloadOptions;
  private readonly runtime: Runtime;
  private readonly reads: DeploymentReads;

  constructor(options: DistributedWorkloadOptions) {
    this.options = options;
    this.client = new QueueClient(options);
    this.runtime = runtimeOf(options, 12);
    this.reads = new DeploymentReads(this.client, this.runtime.scheduler);
  }

  /**
   * Records the deployment and enqueues its first run; resolves with its id.
   * @throws InvalidDeploymentConfigError for a bad or taken id, or a spec no worker of this
   * queue has announced (when any worker has announced specs)
   */
  async deploy(config: DistributedDeploymentConfig): Promise<string> {
    const { commands } = await this.client.ready();
    const keys = this.client.keys;
    const problems: { field: string; message: string }[] = [];
    if (typeof config.spec !== 'string' || config.spec === '') {
      problems.push({ field: 'spec', message: 'must be a non-empty string' });
    } else {
      const hosted = await commands.hlen(keys.registry);
      if (hosted > 0 && (await commands.hexists(keys.registry, `deployment:${config.spec}`)) === 0) {
        problems.push({ field: 'spec', message: `no worker hosts a deployment spec named '${config.spec}'` });
      }
    }
    if (config.goal !== undefined && (typeof config.goal !== 'string' || config.goal.trim() === '')) {
      problems.push({ field: 'goal', message: 'must be a non-empty string' });
    }
    const id = config.deploymentId ?? `deployment-${this.runtime.ids()}`;
    if (!ID.test(id))
      problems.push({ field: 'deploymentId', message: `'${id}': use letters, digits, . _ -` });
    if (problems.length === 0) {
      const created = await commands.hsetnx(keys.deployment(id), 'id', id);
      if (created === 0) problems.push({ field: 'deploymentId', message: `'${id}' is already deployed` });
    }
    if (problems.length > 0) throw new InvalidDeploymentConfigError(undefined, problems);
    const invocation = `${id}-r1`;
    const now = this.now();
    const order = await commands.incr(keys.deploymentSeq);
    await commands
      .multi()
      .hset(keys.deployment(id), {
        spec: config.spec,
        goal: config.goal ?? '',
        phase: '',
        status: 'pending',
        at: String(now),
        invocation,
        restarts: '1',
        lines: '1',
      })
      .zadd(keys.deployments, order, id)
      .rpush(keys.logs(id), formatLogLine(now, DEPLOYMENT_LOG.queued(id, config.goal ?? config.spec)))
      .exec();
    await this.enqueue(id, config.spec, config.goal, invocation, { fresh: true });
    return id;
  }

  /** The deployment's current status. @throws DeploymentNotFoundError */
  async status(id: string): Promise<StatusUpdate> {
    return statusOf(await this.reads.record(id));
  }

  /**
   * The current status, then every change (polled every `intervalMillis`, default 500);
   * completes after a `completed` or `failed` status. Errors with `DeploymentNotFoundError`.
   */
  status$(id: string, options: { readonly intervalMillis?: number } = {}): Observable<StatusUpdate> {
    return this.reads.status$(id, options.intervalMillis ?? 500);
  }

  /** The last `lines` log lines (default 100), oldest first. @throws DeploymentNotFoundError */
  logs(id: string, lines: number = DEPLOYMENT_DEFAULTS.logLines): Promise<readonly string[]> {
    return this.reads.logs(id, lines);
  }

  /**
   * Log lines as they are written from now on (use {@link DistributedWorkload.logs} for earlier
   * ones), polled every `intervalMillis` (default 500), each once and in order (lines written
   * and trimmed away between two polls, beyond `logCapacity`, are skipped). Completes after the
   * last line of a `completed` or `failed` deployment, or when it is cleaned up. Errors with
   * `DeploymentNotFoundError` for an unknown id.
   *
   * @example
   * ```ts
   * workload.logs$(id).subscribe((line) => console.log(line));
   * ```
   */
  logs$(id: string, options: { readonly intervalMillis?: number } = {}): Observable<string> {
    return this.reads.logs$(id, options.intervalMillis ?? 500);
  }

  /**
   * Cancels the deployment on whichever worker holds it (or takes it off the queue) and waits
   * for it to be `stopped`; false when it had already ended. @throws DeploymentNotFoundError
   */
  async stop(id: string): Promise<boolean> {
    const record = await this.reads.record(id);
    if (isTerminalStatus(record.status)) return false;
    if (record.status === 'waiting') {
      // No run holds a waiting deployment: it stops here (`start` waits again on its requests).
      const at = this.now();
      const keys = [this.client.keys.deployment(id), this.client.keys.logs(id)] as const;
      const line = formatLogLine(at, DEPLOYMENT_LOG.stopped(record.phase, 'waiting'));
      const { commands } = await this.client.ready();
      await new RecordScripts(commands, this.capacity).finish(keys, 'stopped', at, line);
      return true;
    }
    await this.client.cancel(record.invocation);
    const deadline = this.now() + (this.options.stopTimeoutMillis ?? 10_000);
    const { commands, queue } = await this.client.ready();
    for (;;) {
      const now = await this.reads.record(id);
      if (isTerminalStatus(now.status)) return now.status === 'stopped';
      // Taken off the queue before any worker saw it, or its worker is gone: stop it here; a
      // worker that picks it up later finds the job marked cancelled, or the record stopped.
      const state = await queue.getJobState(record.invocation);
      if (state === 'unknown' || this.now() > deadline) {
        const at = this.now();
        await new RecordScripts(commands, this.capacity).finish(
          [this.client.keys.deployment(id), this.client.keys.logs(id)],
          'stopped',
          at,
          formatLogLine(at, DEPLOYMENT_LOG.stopped(now.phase === '' ? undefined : now.phase, now.status)),
        );
        return true;
      }
      await this.runtime.sleep(50);
    }
  }

  /**
   * Restarts a stopped deployment as a new run that resumes at the phase it was in; false when
   * it is not stopped. @throws DeploymentNotFoundError
   */
  async start(id: string): Promise<boolean> {
    const record = await this.reads.record(id);
    if (record.status !== 'stopped') return false;
    const { commands } = await this.client.ready();
    const keys = this.client.keys;
    const restarts = await commands.hincrby(keys.deployment(id), 'restarts', 1);
    const invocation = `${id}-r${restarts}`;
    const now = this.now();
    await commands
      .multi()
      .hset(keys.deployment(id), { status: 'pending', at: String(now), invocation })
      .hincrby(keys.deployment(id), 'lines', 1)
      .rpush(keys.logs(id), formatLogLine(now, DEPLOYMENT_LOG.resuming(record.phase, record.attempt)))
      .exec();
    await this.enqueue(id, record.spec, record.goal, invocation, { fresh: !record.started });
    return true;
  }

  /**
   * Answers a request of a `waiting` deployment (ids in `status(id).requests`): a worker resumes
   * its run with the answer, where it paused. Resolves once a worker has committed the answer
   * (or, when none takes the job within `stopTimeoutMillis`, with the answer still queued).
   * Rejects, the deployment still waiting: `DeploymentNotFoundError`, `DeploymentNotWaitingError`
   * (also for the loser of two racing responds), `UnknownRequestError`, and the worker's refusal
   * as its own class (`InvalidAnswerError` for an answer failing the request's schema).
   */
  async respond(id: string, requestId: string, answer: JsonValue): Promise<void> {
    const record = await this.reads.record(id);
    if (record.status !== 'waiting') throw new DeploymentNotWaitingError(id, record.status);
    if (!record.requests.some((r) => r.id === requestId)) {
      const author = record.requests[0]?.author ?? record.spec;
      throw new UnknownRequestError(
        author,
        requestId,
        record.requests.map((r) => r.id),
      );
    }
    const { commands } = await this.client.ready();
    const keys = [this.client.keys.deployment(id), this.client.keys.logs(id)] as const;
    const now = this.now();
    const line = formatLogLine(now, DEPLOYMENT_LOG.answered(requestId));
    const taken = await new RecordScripts(commands, this.capacity).respond(keys, now, line);
    if (!taken.startsWith('=')) throw new DeploymentNotWaitingError(id, taken);
    const invocation = taken.slice(1);
    const answers = { [requestId]: answer };
    await this.enqueue(id, record.spec, record.goal, invocation, { fresh: false, answers });
    const deadline = this.now() + (this.options.stopTimeoutMillis ?? 10_000);
    while (this.now() < deadline) {
      const [answered, refused] = await commands.hmget(
        keys[0],
        `answered:${invocation}`,
        `refused:${invocation}`,
      );
      if (refused !== null && refused !== undefined) throw fromWire(JSON.parse(refused) as WireError);
      if (answered !== null && answered !== undefined) return;
      const now = await this.reads.record(id);
      if (now.invocation !== invocation || now.status === 'stopped') return;
      await this.runtime.sleep(50);
    }
  }

  /**
   * Stops the deployment, deletes its record, logs and (with `sessionService`) its session.
   * @throws DeploymentNotFoundError
   */
  async cleanup(id: string): Promise<{ readonly status: 'cleaned' }> {
    await this.stop(id);
    const { commands } = await this.client.ready();
    const keys = this.client.keys;
    await commands.multi().del(keys.deployment(id), keys.logs(id)).zrem(keys.deployments, id).exec();
    const sessions = this.options.sessionService;
    if (sessions !== undefined) {
      const appName = this.options.appName ?? DEPLOYMENT_DEFAULTS.appName;
      const userId = this.options.userId ?? DEPLOYMENT_DEFAULTS.userId;
      await lastValueFrom(sessions.deleteSession({ appName, userId, sessionId: id }), {
        defaultValue: undefined,
      });
    }
    return { status: 'cleaned' };
  }

  /** Every deployment of this queue, in deployment order. */
  list(): Promise<readonly DistributedDeploymentInfo[]> {
    return this.reads.list();
  }

  /** Jobs waiting for a worker, as {@link RemoteRunner.queueDepth}. */
  queueDepth(options: { readonly intervalMillis?: number } = {}): Observable<number> {
    return this.client.queueDepth(options.intervalMillis ?? 1000);
  }

  /** Closes the connection (deployments keep running on the workers). */
  close(): Promise<void> {
    return this.client.close();
  }

  private get capacity(): number {
    return this.options.logCapacity ?? DEPLOYMENT_DEFAULTS.logCapacity;
  }

  private now(): number {
    return this.runtime.scheduler.now();
  }

  // Enqueues a run of the deployment as the job `invocation` (a goal of '' is the spec's own).
  private async enqueue(
    id: string,
    spec: string,
    goal: string | undefined,
    invocation: string,
    run: Pick<DeploymentJobData, 'fresh' | 'answers'>,
  ): Promise<void> {
    const { queue } = await this.client.ready();
    const data: DeploymentJobData = {
      kind: 'deployment',
      spec,
      deploymentId: id,
      invocationId: invocation,
      ...run,
      ...(goal === undefined || goal === '' ? {} : { goal }),
    };
    const age = this.options.keepJobsSeconds ?? 86_400;
    const job = { jobId: invocation, attempts: 1, removeOnComplete: { age }, removeOnFail: { age } };
    await queue.add('deployment', data, job);
  }
}
