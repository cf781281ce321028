import { type Event, Runner } from '@rxagents/core';
import {
  DEPLOYMENT_LOG,
  type DeploymentProjection,
  type DeploymentStatus,
  deploymentProjector,
  formatLogLine,
  GoalSeekingAgent,
  InvalidDeploymentConfigError,
} from '@rxagents/workloads';
import type { Observable, SchedulerLike } from 'rxjs';
import type { DeploymentJobData, JobResult } from '../protocol.js';
import type { DeploymentEntry } from '../startWorker.js';
import { type DeploymentRecord, parseRecord, type RecordScripts } from './deploymentRecord.js';
import { type PipelinedWrites, pipelinedWrites } from './pipelinedWrites.js';
import { WaitingDeployment } from './waitingDeployment.js';
import type { JobProcessor, WorkerContext } from './workerContext.js';

/** What a worker needs to run `DistributedWorkload` deployments, besides its {@link WorkerContext}. */
export interface DeploymentHosting {
  readonly specs: Readonly<Record<string, DeploymentEntry>>;
  /** App name and user id of deployments' sessions. */
  readonly appName: string;
  readonly userId: string;
  readonly scripts: RecordScripts;
}

// One attempt at a deployment job: what its end (completion, stop, failure) needs to know.
interface Attempt {
  readonly data: DeploymentJobData;
  readonly recordKeys: readonly [string, string];
  readonly writes: PipelinedWrites;
  lastPhase: string;
  // The run committed the answers of `respond()` (a later error no longer refuses them).
  answered: boolean;
  waiting: WaitingDeployment | undefined;
}

type Start = { phase: string; status: DeploymentStatus };

/**
 * The processor of deployment jobs: runs the spec's `GoalSeekingAgent` over the shared sessions
 * and projects its committed events into the deployment's Redis record and log.
 */
export function deploymentProcessor(
  ctx: WorkerContext,
  hosting: DeploymentHosting,
): JobProcessor<DeploymentJobData> {
  return async (data, resumed) => {
    const recordKeys = [ctx.keys.deployment(data.deploymentId), ctx.keys.logs(data.deploymentId)] as const;
    const record = parseRecord(await ctx.commands.hgetall(recordKeys[0]));
    // Cleaned up, already restarted under a newer invocation, or stopped (also by a `stop` that
    // raced a `start` or `respond` and cancelled this invocation before its job was added, so
    // the job carries no mark): nothing to do.
    if (record === undefined || record.invocation !== data.invocationId || record.status === 'stopped') {
      return { outcome: 'cancelled' };
    }
    const attempt: Attempt = {
      data,
      recordKeys,
      writes: pipelinedWrites(),
      lastPhase: record.phase,
      answered: false,
      waiting: undefined,
    };
    let outcome: 'completed' | 'cancelled' | 'waits';
    try {
      outcome = await run(ctx, hosting, attempt, record, resumed);
    } catch (error: unknown) {
      return failed(hosting.scripts, attempt, error, ctx.scheduler);
    }
    if (outcome === 'waits') return { outcome: 'completed' };
    return ended(hosting.scripts, attempt, outcome, ctx.scheduler);
  };
}

async function run(
  ctx: WorkerContext,
  hosting: DeploymentHosting,
  attempt: Attempt,
  record: DeploymentRecord,
  resumed: boolean,
): Promise<'completed' | 'cancelled' | 'waits'> {
  const { data } = attempt;
  const { seeker, goal } = goalSeeker(ctx, hosting, data);
  const start = await pickUp(ctx, hosting.scripts, attempt, record, seeker, goal, resumed);
  attempt.lastPhase = start.phase;
  ctx.report({ type: 'started', jobId: data.invocationId, kind: 'deployment', name: data.spec, resumed });
  const project = deploymentProjector(seeker, start);
  const session = { appName: hosting.appName, userId: hosting.userId, sessionId: data.deploymentId };
  const waiting = new WaitingDeployment(
    ctx.sessionService,
    hosting.scripts,
    attempt.recordKeys,
    session,
    data.invocationId,
    ctx.scheduler,
  );
  attempt.waiting = waiting;
  // Restarted after a stop while it waited for input: it waits again (running would ask anew).
  if (data.answers === undefined && (await waiting.settle(attempt.lastPhase))) return 'waits';
  const onEvent = projection(hosting.scripts, attempt, project);
  return ctx.jobs.execute(data, seekerEvents$(ctx, hosting, seeker, goal, data), onEvent);
}

// The spec's goal-seeker for this deployment; an unknown spec or a missing goal fails the job.
function goalSeeker(
  ctx: WorkerContext,
  hosting: DeploymentHosting,
  data: DeploymentJobData,
): { seeker: GoalSeekingAgent; goal: string } {
  const entry = hosting.specs[data.spec];
  if (entry === undefined) {
    throw new InvalidDeploymentConfigError(undefined, [
      { field: 'spec', message: `no deployment spec named '${data.spec}' on worker ${ctx.workerId}` },
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
    sessionService: ctx.sessionService,
    appName: hosting.appName,
    userId: hosting.userId,
    scheduler: ctx.scheduler,
  });
  return { seeker, goal };
}

// Claims the record for this worker and logs the pick-up; returns where the projection starts.
async function pickUp(
  ctx: WorkerContext,
  scripts: RecordScripts,
  attempt: Attempt,
  record: DeploymentRecord,
  seeker: GoalSeekingAgent,
  goal: string,
  resumed: boolean,
): Promise<Start> {
  const [recordKey] = attempt.recordKeys;
  const { workerId, commands } = ctx;
  // Where the projection of this invocation starts; a resumed attempt starts from the same.
  const startField = `start:${attempt.data.invocationId}`;
  const first: Start = { phase: record.phase || seeker.phases[0]!.name, status: record.status };
  await commands.hsetnx(recordKey, startField, JSON.stringify(first));
  const pickups = await commands.hincrby(recordKey, 'pickups', 1);
  await commands.hset(recordKey, 'worker', workerId, 'goal', goal, 'started', '1');
  await scripts.log(
    attempt.recordKeys,
    formatLogLine(
      ctx.scheduler.now(),
      resumed
        ? `Worker ${workerId} resumed the run (its worker was lost; pick-up ${pickups})`
        : `Worker ${workerId} picked the run up`,
    ),
  );
  return JSON.parse((await commands.hget(recordKey, startField)) ?? '{}') as Start;
}

function seekerEvents$(
  ctx: WorkerContext,
  hosting: DeploymentHosting,
  seeker: GoalSeekingAgent,
  goal: string,
  data: DeploymentJobData,
): Observable<Event> {
  const { sessionService, scheduler } = ctx;
  const runner = new Runner({ appName: hosting.appName, agent: seeker, sessionService, scheduler });
  return runner.run({
    userId: hosting.userId,
    sessionId: data.deploymentId,
    // `respond()`'s answer resumes the paused invocation; else this job's, where a lost worker left it.
    ...(data.answers === undefined
      ? { invocationId: data.invocationId, resume: true, ...(data.fresh ? { newMessage: goal } : {}) }
      : { resume: data.answers }),
  });
}

// Writes each committed event's projection to the record, numbered so a resumed attempt's
// re-produced events are skipped.
function projection(
  scripts: RecordScripts,
  attempt: Attempt,
  project: (event: Event) => DeploymentProjection,
): (event: Event) => void {
  const { data, recordKeys, writes } = attempt;
  let seq = 0;
  return (event) => {
    if (event.partial === true) return;
    if (event.actions.inputAnswers !== undefined) {
      attempt.answered = true;
      writes.fire(scripts.redis.hset(recordKeys[0], `answered:${data.invocationId}`, '1'));
    }
    const { change, lines } = project(event);
    if (change !== undefined) attempt.lastPhase = change.phase;
    writes.fire(scripts.project(recordKeys, data.invocationId, ++seq, change, event.timestamp, lines));
  };
}

// A refused answer leaves the deployment waiting; any other error marks it failed.
async function failed(
  scripts: RecordScripts,
  attempt: Attempt,
  error: unknown,
  clock: SchedulerLike,
): Promise<JobResult> {
  const { data, waiting, answered, lastPhase, recordKeys } = attempt;
  if (data.answers !== undefined && !answered && (await waiting?.refuse(lastPhase, error))) {
    return { outcome: 'completed' };
  }
  const at = clock.now();
  const message = error instanceof Error ? error.message : String(error);
  await scripts.finish(recordKeys, 'failed', at, formatLogLine(at, DEPLOYMENT_LOG.failed(message)));
  throw error;
}

// Same connection as the projections: this runs after all of them, so a run that reached a
// final status is left alone, and one that ended without one is marked failed.
async function ended(
  scripts: RecordScripts,
  attempt: Attempt,
  outcome: 'completed' | 'cancelled',
  clock: SchedulerLike,
): Promise<JobResult> {
  const { recordKeys, lastPhase } = attempt;
  // A run that paused for input completed without a final status: the deployment waits.
  if (outcome === 'completed' && (await attempt.waiting!.settle(lastPhase))) return { outcome };
  const at = clock.now();
  if (outcome === 'cancelled') {
    const line = formatLogLine(at, DEPLOYMENT_LOG.stopped(lastPhase, 'running'));
    await scripts.finish(recordKeys, 'stopped', at, line, lastPhase);
  } else {
    await scripts.finish(recordKeys, 'failed', at, formatLogLine(at, DEPLOYMENT_LOG.noFinalStatus));
  }
  attempt.writes.check();
  return { outcome };
}
