import { DeploymentNotFoundError, type StatusUpdate } from '@rxagents/workloads';
import {
  concatMap,
  defer,
  distinctUntilChanged,
  from,
  type Observable,
  type SchedulerLike,
  switchMap,
  takeWhile,
  timer,
} from 'rxjs';
import { unavailable } from '../connection.js';
import type { DistributedDeploymentInfo } from '../DistributedDeploymentInfo.js';
import { type DeploymentRecord, parseRecord, statusOf } from './deploymentRecord.js';
import type { QueueClient } from './QueueClient.js';

/**
 * @internal What `DistributedWorkload` reads of its deployments: each one's record, status and
 * log, once or polled every `intervalMillis` of the scheduler, and the list of them all.
 */
export class DeploymentReads {
  constructor(
    private readonly client: QueueClient,
    private readonly scheduler: SchedulerLike,
  ) {}

  /** The deployment's record. @throws DeploymentNotFoundError */
  async record(id: string): Promise<DeploymentRecord> {
    const { commands } = await this.client.ready();
    const record = parseRecord(await commands.hgetall(this.client.keys.deployment(id)));
    if (record === undefined || record.spec === '') throw new DeploymentNotFoundError(id);
    return record;
  }

  status$(id: string, intervalMillis: number): Observable<StatusUpdate> {
    return timer(0, intervalMillis, this.scheduler).pipe(
      switchMap(() => defer(async () => statusOf(await this.record(id)))),
      distinctUntilChanged((a, b) => a.phase === b.phase && a.status === b.status),
      takeWhile((update) => update.status !== 'completed' && update.status !== 'failed', true),
    );
  }

  async logs(id: string, lines: number): Promise<readonly string[]> {
    await this.record(id);
    if (lines <= 0) return [];
    const { commands } = await this.client.ready();
    return commands.lrange(this.client.keys.logs(id), -lines, -1);
  }

  logs$(id: string, intervalMillis: number): Observable<string> {
    return defer(() => {
      let seen: number | undefined;
      let over = false;
      const poll = async (): Promise<readonly string[]> => {
        const { commands } = await this.client.ready();
        const keys = this.client.keys;
        const replies = await commands
          .multi()
          .hgetall(keys.deployment(id))
          .lrange(keys.logs(id), 0, -1)
          .exec();
        const hash = (replies?.[0]?.[1] ?? {}) as Record<string, string>;
        const list = (replies?.[1]?.[1] ?? []) as string[];
        const record = parseRecord(hash);
        if (record === undefined || record.spec === '') {
          if (seen === undefined) throw new DeploymentNotFoundError(id);
          over = true;
          return [];
        }
        over = record.status === 'completed' || record.status === 'failed';
        const fresh = seen === undefined ? 0 : Math.min(record.lines - seen, list.length);
        seen = record.lines;
        return fresh <= 0 ? [] : list.slice(list.length - fresh);
      };
      return timer(0, intervalMillis, this.scheduler).pipe(
        concatMap(() => from(poll())),
        takeWhile(() => !over, true),
        concatMap((lines) => from(lines)),
      );
    });
  }

  async list(): Promise<DistributedDeploymentInfo[]> {
    const { commands } = await this.client.ready();
    const keys = this.client.keys;
    const ids = await commands.zrange(keys.deployments, 0, -1);
    if (ids.length === 0) return [];
    const pipeline = commands.pipeline();
    for (const id of ids) pipeline.hgetall(keys.deployment(id));
    const replies = (await pipeline.exec()) ?? [];
    const out: DistributedDeploymentInfo[] = [];
    for (const [error, hash] of replies) {
      if (error !== null) throw unavailable(error, 'listing deployments');
      const record = parseRecord(hash as Record<string, string>);
      if (record !== undefined) out.push(infoOf(record));
    }
    return out;
  }
}

function infoOf(record: DeploymentRecord): DistributedDeploymentInfo {
  return {
    id: record.id,
    goal: record.goal,
    spec: record.spec,
    phase: record.phase,
    status: record.status,
    at: record.at,
    ...(record.status === 'waiting' ? { requests: record.requests } : {}),
    worker: record.worker,
    pickups: record.pickups,
    completions: record.completions,
  };
}
