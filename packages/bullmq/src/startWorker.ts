import { type BaseAgent, InvalidAgentConfigError, type SessionService } from '@rxagents/core';
import { DEPLOYMENT_DEFAULTS, type DeploymentSpec } from '@rxagents/workloads';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { type Observable, Subject } from 'rxjs';
import { connectRedis, type Location, locate, type QueueLocation } from './connection.js';
import { deploymentProcessor } from './internal/deploymentProcessor.js';
import { RecordScripts } from './internal/deploymentRecord.js';
import { JobRegistry } from './internal/jobRegistry.js';
import { runProcessor } from './internal/runProcessor.js';
import { runtimeOf } from './internal/runtime.js';
import type { WorkerContext } from './internal/workerContext.js';
import { Keys } from './keys.js';
import type { JobData, JobResult } from './protocol.js';
import type { RuntimeOptions } from './RuntimeOptions.js';

/** An agent a worker hosts: one instance shared by every run, or a factory called per run. */
export type AgentEntry = BaseAgent | (() => BaseAgent);

/** What a deployment spec factory is given. */
export interface DeploymentRequest {
  readonly deploymentId: string;
  /** The goal passed to `deploy`, when one was. */
  readonly goal: string | undefined;
}

/**
 * A `DeploymentSpec` as a worker hosts it: the goal is optional, since `deploy({ spec, goal })`
 * usually supplies it; the spec's own goal is the default. A deployment with neither fails on the
 * worker with `InvalidDeploymentConfigError` (`field: 'goal'`).
 */
export type HostedDeploymentSpec = WithOptionalGoal<DeploymentSpec>;

// Distributes over DeploymentSpec's union (with and without an evaluator), which Omit would merge.
type WithOptionalGoal<S> = S extends unknown ? Omit<S, 'goal'> & { readonly goal?: string } : never;

/**
 * A goal-seeking deployment a worker hosts: a {@link HostedDeploymentSpec} (phases, evaluator,
 * optionally a goal) or a function of the request building one (e.g. from the goal).
 * `onStatusChange` is not called on workers: status lives in the deployment's Redis record, read
 * with `DistributedWorkload.status`.
 */
export type DeploymentEntry = HostedDeploymentSpec | ((request: DeploymentRequest) => HostedDeploymentSpec);

/** Options of {@link startWorker}. */
export interface WorkerOptions extends QueueLocation, RuntimeOptions {
  /** Where sessions live; must be shared by every worker (e.g. `PostgresSessionService`). */
  readonly sessionService: SessionService;
  /** Agents `RemoteRunner`s can run, by name. */
  readonly agents?: Readonly<Record<string, AgentEntry>>;
  /** Goal-seeking deployments `DistributedWorkload.deploy` can start, by spec name. */
  readonly deployments?: Readonly<Record<string, DeploymentEntry>>;
  /** App name of deployments' sessions (runs use their `RemoteRunner`'s). Default `'workloads'`. */
  readonly appName?: string;
  /** User id of deployments' sessions. Default `'workload'`. */
  readonly userId?: string;
  /** Jobs this worker runs at once. Default 1. */
  readonly concurrency?: number;
  /**
   * How long a job's lock lives without renewal (the worker renews it every half of this). A
   * killed worker's jobs are taken over by another worker within about `lockDurationMillis +
   * 2 × stalledIntervalMillis`. Default 30000.
   */
  readonly lockDurationMillis?: number;
  /** How often this worker looks for jobs whose worker died. Default 15000. */
  readonly stalledIntervalMillis?: number;
  /** Times one job may be taken over after its worker died before it fails. Default 3. */
  readonly maxStalledCount?: number;
  /** Names this worker in deployment records and activity. Default: random. */
  readonly workerId?: string;
  /** Log lines kept per deployment. Default 1000. */
  readonly logCapacity?: number;
  /** Seconds a finished run's event stream is kept for a late reader. Default 3600. */
  readonly eventStreamTtlSeconds?: number;
}

/** Something a worker did, on {@link WorkerHandle.activity$}. */
export type WorkerActivity =
  | {
      readonly type: 'started';
      readonly jobId: string;
      readonly kind: 'run' | 'deployment';
      readonly name: string;
      /** A worker died holding this job; this attempt resumes it. */
      readonly resumed: boolean;
    }
  | {
      readonly type: 'completed' | 'cancelled';
      readonly jobId: string;
      readonly kind: 'run' | 'deployment';
      readonly name: string;
    }
  | {
      readonly type: 'failed';
      readonly jobId: string;
      readonly kind: 'run' | 'deployment';
      readonly name: string;
      readonly error: unknown;
    }
  | { readonly type: 'error'; readonly error: unknown };

/** A running worker, from {@link startWorker}. */
export interface WorkerHandle {
  readonly workerId: string;
  /** What it is doing (hot; completes on close). */
  readonly activity$: Observable<WorkerActivity>;
  /** Jobs running here now. */
  readonly running: number;
  /**
   * Stops taking jobs, waits up to `graceMillis` (default: as long as it takes) for the running
   * ones to finish, then closes. Jobs still running after the grace period, or all of them with
   * `force`, are torn down at once and left locked: like a crash, another worker resumes them when
   * the lock expires. A worker hosting long deployments should pass a grace period on SIGTERM.
   *
   * @example
   * ```ts
   * process.once('SIGTERM', () => void worker.close({ graceMillis: 10_000 }));
   * ```
   */
  close(options?: { readonly force?: boolean; readonly graceMillis?: number }): Promise<void>;
}

/**
 * Starts a BullMQ worker that hosts named agents and goal-seeking deployments: it runs
 * `RemoteRunner.run` invocations and `DistributedWorkload` deployments, streams each run's events
 * back over a Redis Stream, stops a run when its caller cancels (from any process), and resumes
 * jobs whose worker died.
 *
 * Resolves once Redis is reachable; rejects with `BackendUnavailableError('redis', …)` within
 * `connectTimeoutMillis` when it is not.
 *
 * **Resume rule.** Every run goes through `Runner.run({ invocationId, resume: true })`, with the
 * job id as invocation id. When a worker dies, BullMQ's stalled-job check hands the job to
 * another worker, which re-runs the root agent *from the start of the invocation*, on the
 * session state just before the invocation's first event. Each event it re-produces at a
 * position the durable log already holds (same id) is a no-op; events past the log are
 * appended. So agents before the crash point run again (their side effects outside the session
 * repeat; model calls are made again), while the session log and state get every event exactly
 * once, provided the agents are deterministic. Callers see no duplicates: `RemoteRunner`
 * drops re-emitted events by id, deployment records skip them by sequence number.
 *
 * @example
 * ```ts
 * import { startWorker } from '@rxagents/bullmq';
 * import { agent, text } from '@rxagents/core';
 * import { PostgresSessionService } from '@rxagents/postgres';
 * import { of } from 'rxjs';
 *
 * const storyFlow = agent('story_flow', (ctx) => of(ctx.newEvent({ content: text('Once upon a time…') })));
 * const build = agent('build', (ctx) => of(ctx.newEvent({ content: text('built') })));
 * const worker = await startWorker({
 *   connection: 'redis://127.0.0.1:6379',
 *   sessionService: new PostgresSessionService({ connectionString: 'postgres://127.0.0.1/app' }),
 *   agents: { storyteller: storyFlow },
 *   deployments: { website: { goal: 'a deployed site', phases: [{ name: 'build', agent: build }] } },
 *   concurrency: 4,
 * });
 * process.once('SIGTERM', () => void worker.close({ graceMillis: 10_000 }));
 * ```
 */
export async function startWorker(options: WorkerOptions): Promise<WorkerHandle> {
  const location = locate(options);
  const keys = new Keys(location);
  const runtime = runtimeOf(options, 8);
  const workerId = options.workerId ?? `worker-${runtime.ids()}`;
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidAgentConfigError(workerId, 'concurrency', `must be an integer ≥ 1, got ${concurrency}`);
  }
  const agents = options.agents ?? {};
  const specs = options.deployments ?? {};
  const { commands, subscriber } = await connectBoth(location);
  const jobs = new JobRegistry(runtime.scheduler);
  const activity = new Subject<WorkerActivity>();
  await advertise(commands, keys, agents, specs);
  subscriber.on('message', (_channel: string, invocationId: string) => jobs.cancel(invocationId));
  await subscriber.subscribe(keys.cancelChannel);

  const ctx: WorkerContext = {
    workerId,
    keys,
    commands,
    sessionService: options.sessionService,
    jobs,
    report: (a) => activity.next(a),
    scheduler: runtime.scheduler,
  };
  const processRun = runProcessor(ctx, { agents, streamTtlSeconds: options.eventStreamTtlSeconds ?? 3600 });
  const processDeployment = deploymentProcessor(ctx, {
    specs,
    appName: options.appName ?? DEPLOYMENT_DEFAULTS.appName,
    userId: options.userId ?? DEPLOYMENT_DEFAULTS.userId,
    scripts: new RecordScripts(commands, options.logCapacity ?? DEPLOYMENT_DEFAULTS.logCapacity),
  });
  const worker = new Worker<JobData, JobResult>(
    location.queueName,
    (job) =>
      jobs.track(() =>
        reported(ctx, job.data, () => {
          const resumed = job.stalledCounter > 0;
          return job.data.kind === 'run'
            ? processRun(job.data, resumed)
            : processDeployment(job.data, resumed);
        }),
      ),
    {
      connection: location.options,
      prefix: location.prefix,
      concurrency,
      lockDuration: options.lockDurationMillis ?? 30_000,
      stalledInterval: options.stalledIntervalMillis ?? 15_000,
      maxStalledCount: options.maxStalledCount ?? 3,
      name: workerId,
    },
  );
  worker.on('error', (error) => {
    if (!jobs.crashed) activity.next({ type: 'error', error });
  });
  await worker.waitUntilReady();
  return handle(workerId, worker, jobs, activity, async () => {
    subscriber.disconnect();
    await commands.quit().catch(() => commands.disconnect());
  });
}

// One connection for commands, one for the cancellation subscription (a subscribed connection
// takes no commands).
async function connectBoth(location: Location): Promise<{ commands: Redis; subscriber: Redis }> {
  const commands = await connectRedis(location, 'worker commands');
  try {
    return { commands, subscriber: await connectRedis(location, 'worker cancellations') };
  } catch (error: unknown) {
    commands.disconnect();
    throw error;
  }
}

// Callers look names up here to reject unknown ones before enqueueing.
async function advertise(
  commands: Redis,
  keys: Keys,
  agents: Readonly<Record<string, AgentEntry>>,
  specs: Readonly<Record<string, DeploymentEntry>>,
): Promise<void> {
  const hosted: string[] = [];
  for (const name of Object.keys(agents)) hosted.push(`agent:${name}`, 'agent');
  for (const name of Object.keys(specs)) hosted.push(`deployment:${name}`, 'deployment');
  if (hosted.length > 0) await commands.hset(keys.registry, ...hosted);
}

// Reports how a job ended on the activity stream.
async function reported(
  ctx: WorkerContext,
  data: JobData,
  process: () => Promise<JobResult>,
): Promise<JobResult> {
  const kind = data.kind;
  const name = data.kind === 'run' ? data.agent : data.spec;
  const jobId = data.invocationId;
  try {
    const result = await process();
    ctx.report({ type: result.outcome === 'cancelled' ? 'cancelled' : 'completed', jobId, kind, name });
    return result;
  } catch (error: unknown) {
    ctx.report({ type: 'failed', jobId, kind, name, error });
    throw error;
  }
}

function handle(
  workerId: string,
  worker: Worker<JobData, JobResult>,
  jobs: JobRegistry,
  activity: Subject<WorkerActivity>,
  disconnect: () => Promise<void>,
): WorkerHandle {
  let closing: Promise<void> | undefined;
  const crash = async (): Promise<void> => {
    jobs.crashAll();
    await worker.close(true);
  };
  const close = async (force: boolean, grace: number): Promise<void> => {
    if (force || grace <= 0) {
      await crash();
    } else {
      // Take no new jobs; give the running ones `grace` to finish, then hand them over.
      await worker.pause(true);
      await jobs.whenDrained(grace);
      if (jobs.inFlight > 0) await crash();
      else await worker.close();
    }
    await disconnect();
    activity.complete();
  };
  return {
    workerId,
    activity$: activity.asObservable(),
    get running() {
      return jobs.inFlight;
    },
    close: (closeOptions = {}) => {
      closing ??= close(closeOptions.force === true, closeOptions.graceMillis ?? Number.POSITIVE_INFINITY);
      return closing;
    },
  };
}
