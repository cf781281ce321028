import {
  type PendingRequest,
  pendingRequests,
  RxAgentsError,
  type SessionKey,
  type SessionService,
} from '@rxagents/core';
import { DEPLOYMENT_LOG, formatLogLine } from '@rxagents/workloads';
import { asyncScheduler, lastValueFrom, type SchedulerLike } from 'rxjs';
import { toWire } from '../protocol.js';
import type { RecordScripts } from './deploymentRecord.js';

/**
 * @internal How a worker's deployment run waits for input: the requests its session still has
 * pending after a run, the record moved to `waiting` with them, and an answer that was refused.
 */
export class WaitingDeployment {
  constructor(
    private readonly service: SessionService,
    private readonly scripts: RecordScripts,
    private readonly keys: readonly [string, string],
    private readonly session: SessionKey,
    private readonly invocation: string,
    private readonly scheduler: SchedulerLike = asyncScheduler,
  ) {}

  /** The session's pending requests (none for a session that does not exist yet). */
  async pending(): Promise<PendingRequest[]> {
    const session = await lastValueFrom(this.service.getSession(this.session), { defaultValue: undefined });
    return session === undefined ? [] : pendingRequests(session);
  }

  /** Moves the record to `waiting` when requests are pending; whether it did. */
  async settle(phase: string): Promise<boolean> {
    const requests = await this.pending();
    if (requests.length === 0) return false;
    const at = this.scheduler.now();
    const line = formatLogLine(at, DEPLOYMENT_LOG.waiting(phase, requests));
    await this.scripts.wait(this.keys, this.invocation, phase, at, requests, line);
    return true;
  }

  /**
   * An answer the resume refused before committing it (a typed error: a bad answer, a request
   * answered meanwhile): the deployment waits again, and `respond()` reads why.
   */
  async refuse(phase: string, error: unknown): Promise<boolean> {
    if (!(error instanceof RxAgentsError)) return false;
    const [record, logs] = this.keys;
    await this.scripts.log(
      [record, logs],
      formatLogLine(this.scheduler.now(), `Answer refused: ${error.message}`),
    );
    await this.scripts.redis.hset(record, `refused:${this.invocation}`, JSON.stringify(toWire(error)));
    await this.settle(phase);
    return true;
  }
}
