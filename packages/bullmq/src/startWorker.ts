// Over 350 lines on purpose: the two job kinds share the worker's connections, cancellation and
// activity stream, which the closure of startWorker holds together.
import { randomUUID } from 'node:crypto';
import {
  BaseAgent,
  type Event,
  InvalidAgentConfigError,
  InvalidRequestError,
  Runner,
  type SessionService,
} from '@rxagents/core';
import { type DeploymentSpec, GoalSeekingAgent, InvalidDeploymentConfigError } from '@rxagents/workloads';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { type Observable, Subject } from 'rxjs';
import { connectRedis, locate, type QueueLocation } from './connection.js';
import {
  type DeploymentRecord,
  formatLogLine,
  parseRecord,
  RecordScripts,
} from './internal/deploymentRecord.js';
import { deploymentProjector } from './internal/projector.js';
import { WaitingDeployment } from './internal/waitingDeployment.js';
import { Keys } from './keys.js';
import {
  type DeploymentJobData,
  ENTRY,
  type JobData,
  type JobResult,
  type RunJobData,
  toWire,
} from './protocol.js';

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
export interface WorkerOptions extends QueueLocation {
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

interface RunningJob {
  cancel(): void;
  crash(): void;
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
  const workerId = options.workerId ?? `worker-${randomUUID().slice(0, 8)}`;
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidAgentConfigError(workerId, 'concurrency', `must be an integer ≥ 1, got ${concurrency}`);
  }
  const agents = options.agents ?? {};
  const specs = options.deployments ?? {};
  const appName = options.appName ?? 'workloads';
  const userId = options.userId ?? 'workload';
  const streamTtl = options.eventStreamTtlSeconds ?? 3600;
  const capacity = options.logCapacity ?? 1000;
  const sessionService = options.sessionService;

  const commands = await connectRedis(location, 'worker commands');
  let subscriber: Redis;
  try {
    subscriber = await connectRedis(location, 'worker cancellations');
  } catch (error: unknown) {
    commands.disconnect();
    throw error;
  }
  const scripts = new RecordScripts(commands, capacity);
  const activity = new Subject<WorkerActivity>();
  const running = new Map<string, RunningJob>();
  // Jobs between pick-up and settling (a crashed one never settles, and is not waited for).
  let inFlight = 0;
  const drained = new Subject<void>();
  let crashing = false;

  // Callers look names up here to reject unknown ones before enqueueing.
  const hosted: string[] = [];
  for (const name of Object.keys(agents)) hosted.push(`agent:${name}`, 'agent');
  for (const name of Object.keys(specs)) hosted.push(`deployment:${name}`, 'deployment');
  if (hosted.length > 0) await commands.hset(keys.registry, ...hosted);

  subscriber.on('message', (_channel: string, invocationId: string) => {
    running.get(invocationId)?.cancel();
  });
  await subscriber.subscribe(keys.cancelChannel);

  // Runs the invocation's events through `onEvent`; settles when it completes, fails or is
  // cancelled, and never when the worker crashes on purpose (the job must stay locked then).
  const execute = (
    invocationId: string,
    events$: Observable<Event>,
    onEvent: (event: Event) => void,
  ): Promise<'completed' | 'cancelled'> =>
    new Promise((resolve, reject) => {
      // A worker that crashed on purpose starts nothing more (its jobs belong to others now).
      if (crashing) return;
      let cancelled = false;
      let subscription: { unsubscribe(): void } | undefined;
      const handle: RunningJob = {
        cancel: () => {
          cancelled = true;
          subscription?.unsubscribe();
          running.delete(invocationId);
          resolve('cancelled');
        },
        crash: () => {
          cancelled = true;
          subscription?.unsubscribe();
          running.delete(invocationId);
        },
      };
      running.set(invocationId, handle);
      // The cancel may have been published before this job was registered: the key says so.
      commands.exists(keys.cancel(invocationId)).then(
        (flagged) => {
          if (cancelled || crashing) return;
          if (flagged === 1) {
            handle.cancel();
            return;
          }
          subscription = events$.subscribe({
            next: onEvent,
            error: (error: unknown) => {
              running.delete(invocationId);
              reject(error);
            },
            complete: () => {
              running.delete(invocationId);
              resolve('completed');
            },
          });
        },
        (error: unknown) => {
          running.delete(invocationId);
          reject(error);
        },
      );
    });

  // Commands are pipelined in order on one connection; a failure is kept and raised at the end.
  const pending = (): { fire(p: Promise<unknown>): void; check(): void } => {
    let failure: unknown;
    return {
      fire: (p) => {
        p.catch((error: unknown) => {
          failure ??= error;
        });
      },
      check: () => {
        if (failure !== undefined) throw failure;
      },
    };
  };

  const processRun = async (job: Job<RunJobData>, resumed: boolean): Promise<JobResult> => {
    const data = job.data;
    const stream = keys.events(data.invocationId);
    const writes = pending();
    // The caller's stream always ends with a marker: the outcome, or the error (also when an
    // event could not be written, so the caller never completes with a hole in its events).
    const end = async (entry: readonly string[]): Promise<void> => {
      await commands.xadd(stream, '*', ...entry);
      await commands.expire(stream, streamTtl);
    };
    const fail = async (error: unknown): Promise<never> => {
      await end(['t', ENTRY.error, 'error', JSON.stringify(toWire(error))]);
      throw error;
    };
    let outcome: 'completed' | 'cancelled';
    try {
      const entry = agents[data.agent];
      if (entry === undefined) {
        throw new InvalidRequestError(
          data.agent,
          'agent',
          `no agent named '${data.agent}' on worker ${workerId} (it hosts: ${Object.keys(agents).join(', ') || 'none'})`,
        );
      }
      activity.next({ type: 'started', jobId: data.invocationId, kind: 'run', name: data.agent, resumed });
      const agent = entry instanceof BaseAgent ? entry : entry();
      const runner = new Runner({ appName: data.appName, agent, sessionService });
      const events$ = runner.run({
        userId: data.userId,
        sessionId: data.sessionId,
        // Answers resume the paused invocation (its own id); else this job's invocation, resumed
        // where a lost worker left it.
        ...(data.answers === undefined
          ? { invocationId: data.invocationId, resume: true }
          : { resume: data.answers }),
        ...(data.newMessage === undefined ? {} : { newMessage: data.newMessage }),
        ...(data.stateDelta === undefined ? {} : { stateDelta: data.stateDelta }),
      });
      outcome = await execute(data.invocationId, events$, (event) => {
        writes.fire(commands.xadd(stream, '*', 't', ENTRY.event, 'event', JSON.stringify(event)));
      });
      // Same connection, so every event write has settled once this one has.
      await commands.ping();
      writes.check();
    } catch (error: unknown) {
      return fail(error);
    }
    await end(['t', ENTRY.end, 'outcome', outcome]);
    return { outcome };
  };

  const processDeployment = async (job: Job<DeploymentJobData>, resumed: boolean): Promise<JobResult> => {
    const data = job.data;
    const recordKeys = [keys.deployment(data.deploymentId), keys.logs(data.deploymentId)] as const;
    const record: DeploymentRecord | undefined = parseRecord(await commands.hgetall(recordKeys[0]));
    // Cleaned up, or already restarted under a newer invocation: nothing to do.
    if (record === undefined || record.invocation !== data.invocationId) return { outcome: 'cancelled' };
    const writes = pending();
    let lastPhase = record.phase;
    let outcome: 'completed' | 'cancelled';
    let waiting: WaitingDeployment | undefined;
    let answered = false;
    try {
      const entry = specs[data.spec];
      if (entry === undefined) {
        throw new InvalidDeploymentConfigError(undefined, [
          { field: 'spec', message: `no deployment spec named '${data.spec}' on worker ${workerId}` },
        ]);
      }
      const spec =
        typeof entry === 'function' ? entry({ deploymentId: data.deploymentId, goal: data.goal }) : entry;
      const goal = data.goal ?? spec.goal;
      if (goal === undefined) {
        throw new InvalidDeploymentConfigError(spec.name, [
          { field: 'goal', message: `spec '${data.spec}' has no goal and deploy() gave none` },
        ]);
      }
      const seeker = new GoalSeekingAgent({
        ...spec,
        goal,
        deploymentId: data.deploymentId,
        sessionService,
        appName,
        userId,
      });
      // Where the projection of this invocation starts; a resumed attempt starts from the same.
      const startField = `start:${data.invocationId}`;
      await commands.hsetnx(
        recordKeys[0],
        startField,
        JSON.stringify({ phase: record.phase || seeker.phases[0]!.name, status: record.status }),
      );
      const pickups = await commands.hincrby(recordKeys[0], 'pickups', 1);
      await commands.hset(recordKeys[0], 'worker', workerId, 'goal', goal, 'started', '1');
      await scripts.log(
        recordKeys,
        formatLogLine(
          Date.now(),
          resumed
            ? `Worker ${workerId} resumed the run (its worker was lost; pick-up ${pickups})`
            : `Worker ${workerId} picked the run up`,
        ),
      );
      const start = JSON.parse((await commands.hget(recordKeys[0], startField)) ?? '{}') as {
        phase: string;
        status: string;
      };
      lastPhase = start.phase;
      activity.next({
        type: 'started',
        jobId: data.invocationId,
        kind: 'deployment',
        name: data.spec,
        resumed,
      });
      const project = deploymentProjector(
        seeker.name,
        start,
        seeker.maxAttempts,
        seeker.evaluator !== undefined,
      );
      const session = { appName, userId, sessionId: data.deploymentId };
      waiting = new WaitingDeployment(sessionService, scripts, recordKeys, session, data.invocationId);
      // Restarted after a stop while it waited for input: it waits again (running would ask anew).
      if (data.answers === undefined && (await waiting.settle(lastPhase))) return { outcome: 'completed' };
      const runner = new Runner({ appName, agent: seeker, sessionService });
      const events$ = runner.run({
        userId,
        sessionId: data.deploymentId,
        // `respond()`'s answer resumes the paused invocation; else this job's, where a lost worker left it.
        ...(data.answers === undefined
          ? { invocationId: data.invocationId, resume: true, ...(data.fresh ? { newMessage: goal } : {}) }
          : { resume: data.answers }),
      });
      let seq = 0;
      outcome = await execute(data.invocationId, events$, (event) => {
        if (event.partial === true) return;
        if (event.actions.inputAnswers !== undefined) {
          answered = true;
          writes.fire(commands.hset(recordKeys[0], `answered:${data.invocationId}`, '1'));
        }
        const { change, lines } = project(event);
        if (change !== undefined) lastPhase = change.phase;
        writes.fire(scripts.project(recordKeys, data.invocationId, ++seq, change, event.timestamp, lines));
      });
    } catch (error: unknown) {
      if (data.answers !== undefined && !answered && (await waiting?.refuse(lastPhase, error))) {
        return { outcome: 'completed' };
      }
      const at = Date.now();
      const message = error instanceof Error ? error.message : String(error);
      await scripts.finish(recordKeys, 'failed', at, formatLogLine(at, `Failed: ${message}`));
      throw error;
    }
    // Same connection as the projections: this runs after all of them, so a run that reached a
    // final status is left alone, and one that ended without one is marked failed.
    // A run that paused for input completed without a final status: the deployment waits.
    if (outcome === 'completed' && (await waiting!.settle(lastPhase))) return { outcome };
    const at = Date.now();
    if (outcome === 'cancelled') {
      await scripts.finish(
        recordKeys,
        'stopped',
        at,
        formatLogLine(at, `Stopped during phase '${lastPhase}'`),
        lastPhase,
      );
    } else {
      await scripts.finish(
        recordKeys,
        'failed',
        at,
        formatLogLine(at, 'Failed: the run ended before reaching a final status'),
      );
    }
    writes.check();
    return { outcome };
  };

  const worker = new Worker<JobData, JobResult>(
    location.queueName,
    async (job) => {
      const resumed = job.stalledCounter > 0;
      const kind = job.data.kind;
      const name = kind === 'run' ? job.data.agent : job.data.spec;
      const jobId = job.data.invocationId;
      inFlight++;
      try {
        const result =
          job.data.kind === 'run'
            ? await processRun(job as Job<RunJobData>, resumed)
            : await processDeployment(job as Job<DeploymentJobData>, resumed);
        activity.next({
          type: result.outcome === 'cancelled' ? 'cancelled' : 'completed',
          jobId,
          kind,
          name,
        });
        return result;
      } catch (error: unknown) {
        activity.next({ type: 'failed', jobId, kind, name, error });
        throw error;
      } finally {
        inFlight--;
        if (inFlight === 0) drained.next();
      }
    },
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
    if (!crashing) activity.next({ type: 'error', error });
  });
  await worker.waitUntilReady();

  let closing: Promise<void> | undefined;
  const crash = async (): Promise<void> => {
    crashing = true;
    for (const job of [...running.values()]) job.crash();
    await worker.close(true);
  };
  return {
    workerId,
    activity$: activity.asObservable(),
    get running() {
      return inFlight;
    },
    close: (closeOptions = {}) => {
      closing ??= (async () => {
        const grace = closeOptions.graceMillis ?? Number.POSITIVE_INFINITY;
        if (closeOptions.force === true || grace <= 0) {
          await crash();
        } else {
          // Take no new jobs; give the running ones `grace` to finish, then hand them over.
          await worker.pause(true);
          if (inFlight > 0) {
            await new Promise<void>((resolve) => {
              const timer = Number.isFinite(grace) ? setTimeout(resolve, grace) : undefined;
              const done = drained.subscribe(() => {
                clearTimeout(timer);
                done.unsubscribe();
                resolve();
              });
              if (inFlight === 0) resolve();
            });
          }
          if (inFlight > 0) await crash();
          else await worker.close();
        }
        subscriber.disconnect();
        await commands.quit().catch(() => commands.disconnect());
        activity.complete();
      })();
      return closing;
    },
  };
}
