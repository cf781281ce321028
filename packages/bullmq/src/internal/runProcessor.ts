import { BaseAgent, type Event, InvalidRequestError, Runner } from '@rxagents/core';
import type { Observable } from 'rxjs';
import { ENTRY, type RunJobData, toWire } from '../protocol.js';
import type { AgentEntry } from '../startWorker.js';
import { pipelinedWrites } from './pipelinedWrites.js';
import type { JobProcessor, WorkerContext } from './workerContext.js';

/** What a worker needs to run `RemoteRunner` jobs, besides its {@link WorkerContext}. */
export interface RunHosting {
  readonly agents: Readonly<Record<string, AgentEntry>>;
  /** Seconds a finished run's event stream is kept for a late reader. */
  readonly streamTtlSeconds: number;
}

/**
 * The processor of run jobs: runs the named agent over the shared sessions and writes each event,
 * then an end marker or the error, to the invocation's Redis Stream.
 */
export function runProcessor(ctx: WorkerContext, hosting: RunHosting): JobProcessor<RunJobData> {
  return async (data, resumed) => {
    const stream = ctx.keys.events(data.invocationId);
    const writes = pipelinedWrites();
    // The caller's stream always ends with a marker: the outcome, or the error (also when an
    // event could not be written, so the caller never completes with a hole in its events).
    const end = async (entry: readonly string[]): Promise<void> => {
      await ctx.commands.xadd(stream, '*', ...entry);
      await ctx.commands.expire(stream, hosting.streamTtlSeconds);
    };
    let outcome: 'completed' | 'cancelled';
    try {
      const entry = hostedAgent(ctx, hosting, data.agent);
      ctx.report({ type: 'started', jobId: data.invocationId, kind: 'run', name: data.agent, resumed });
      const agent = entry instanceof BaseAgent ? entry : entry();
      outcome = await ctx.jobs.execute(data.invocationId, runEvents$(ctx, agent, data), (event) => {
        writes.fire(ctx.commands.xadd(stream, '*', 't', ENTRY.event, 'event', JSON.stringify(event)));
      });
      // Same connection, so every event write has settled once this one has.
      await ctx.commands.ping();
      writes.check();
    } catch (error: unknown) {
      await end(['t', ENTRY.error, 'error', JSON.stringify(toWire(error))]);
      throw error;
    }
    await end(['t', ENTRY.end, 'outcome', outcome]);
    return { outcome };
  };
}

// Unknown names fail the job before anything runs (callers usually reject them earlier).
function hostedAgent(ctx: WorkerContext, hosting: RunHosting, name: string): AgentEntry {
  const entry = hosting.agents[name];
  if (entry === undefined) {
    const names = Object.keys(hosting.agents).join(', ') || 'none';
    throw new InvalidRequestError(
      name,
      'agent',
      `no agent named '${name}' on worker ${ctx.workerId} (it hosts: ${names})`,
    );
  }
  return entry;
}

function runEvents$(ctx: WorkerContext, agent: BaseAgent, data: RunJobData): Observable<Event> {
  const { sessionService, scheduler } = ctx;
  const runner = new Runner({ appName: data.appName, agent, sessionService, scheduler });
  return runner.run({
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
}
