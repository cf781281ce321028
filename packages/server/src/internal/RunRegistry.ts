import { SessionConflictError } from '@rxagents/core';
import { HttpError } from '../HttpError.js';
import { type DisconnectPolicy, LiveRun } from './LiveRun.js';

/**
 * The server's runs by id, and the one live run of each session. Ended runs stay readable (and
 * replayable by `Last-Event-ID`) until `retainEnded` newer runs have ended.
 */
export class RunRegistry {
  private readonly runs = new Map<string, LiveRun>();
  private readonly bySession = new Map<string, LiveRun>();
  private readonly ended: string[] = [];

  constructor(private readonly retainEnded: number) {}

  /** A new run on a session, or a {@link SessionConflictError} when one is live on it already. */
  open(
    runId: string,
    agent: string,
    userId: string,
    sessionId: string,
    onDisconnect: DisconnectPolicy,
    eventCount: number,
  ): LiveRun {
    const key = sessionKey(agent, userId, sessionId);
    const current = this.bySession.get(key);
    if (current !== undefined) {
      throw new SessionConflictError(
        agent,
        sessionId,
        eventCount,
        `Session '${sessionId}': run '${current.runId}' is still live on it; cancel it or wait for its end`,
      );
    }
    const run = new LiveRun(runId, agent, userId, sessionId, onDisconnect, (r) => this.release(r));
    this.runs.set(runId, run);
    this.bySession.set(key, run);
    return run;
  }

  get(runId: string): LiveRun {
    const run = this.runs.get(runId);
    if (run === undefined) throw new HttpError(404, 'RUN_NOT_FOUND', `no run '${runId}'`, 'runId');
    return run;
  }

  /** The live run of a session, if any. */
  liveOn(agent: string, userId: string, sessionId: string): LiveRun | undefined {
    return this.bySession.get(sessionKey(agent, userId, sessionId));
  }

  /** Live runs (what the bench and shutdown look at). */
  get liveCount(): number {
    return this.bySession.size;
  }

  /** Cancels every live run (server shutdown). */
  cancelAll(): void {
    for (const run of [...this.bySession.values()]) run.cancel();
  }

  private release(run: LiveRun): void {
    this.bySession.delete(sessionKey(run.agent, run.userId, run.sessionId));
    this.ended.push(run.runId);
    while (this.ended.length > this.retainEnded) this.runs.delete(this.ended.shift()!);
  }
}

function sessionKey(agent: string, userId: string, sessionId: string): string {
  return JSON.stringify([agent, userId, sessionId]);
}
