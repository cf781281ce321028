import { BaseAgent, type Event, InvalidRequestError, Runner } from '@rxagents/core';
import type { Observable } from 'rxjs';
import { ENTRY, type RunJobData, toWire } from '../protocol.js';
import type { AgentEntry } from '../startWorker.js';
import { EventStreamWriter } from './eventStreamWriter.js';
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
    // The caller's stream always ends with a marker: the outcome, or the error (also when an
    // event could not be written, so the caller never completes with a hole in its events).
    const writer = new EventStreamWriter(
      ctx.commands,
      ctx.keys.events(data.invocationId),
      hosting.streamTtlSeconds,
    );
    let outcome: 'completed' | 'cancelled';
    try {
      const entry = hostedAgent(ctx, hosting, data.agent);
      ctx.report({ type: 'started', jobId: data.invocationId, kind: 'run', name: data.agent, resumed });
      const agent = entry instanceof BaseAgent ? entry : entry();
      outcome = await ctx.jobs.execute(data, runEvents$(ctx, agent, data), (event) => {
        writer.write(['t', ENTRY.event, 'event', JSON.stringify(event)]);
      });
      await writer.finish(['t', ENTRY.end, 'outcome', outcome]);
    } catch (error: unknown) {
      await writer.fail(['t', ENTRY.error, 'error', JSON.stringify(toWire(error))]);
      throw error;
    }
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
