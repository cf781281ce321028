import type { PendingRequest } from '@rxagents/core';
import { BehaviorSubject, type Observable, type SchedulerLike, Subject } from 'rxjs';
import { type DeploymentStatus, isTerminalStatus, type StatusUpdate } from '../DeploymentStatus.js';
import { DEPLOYMENT_LOG } from '../deploymentLog.js';
import type { DeploymentProjection } from '../deploymentProjector.js';
import { formatLogLine } from '../formatLogLine.js';
import { LogBuffer } from './LogBuffer.js';

/**
 * What a deployment reports: its status (replayed, with `onStatusChange`) and its bounded,
 * timestamped log (kept and live). Closing completes both streams; the kept lines stay readable.
 */
export class DeploymentReport {
  readonly status$: Observable<StatusUpdate>;
  readonly logs$: Observable<string>;
  private readonly statusSubject: BehaviorSubject<StatusUpdate>;
  private readonly logSubject = new Subject<string>();
  private readonly buffer: LogBuffer;
  private closed = false;

  constructor(
    initial: StatusUpdate,
    capacity: number,
    private readonly scheduler: SchedulerLike,
    private readonly onStatusChange: ((phase: string, status: DeploymentStatus) => void) | undefined,
  ) {
    this.statusSubject = new BehaviorSubject(initial);
    this.buffer = new LogBuffer(capacity);
    this.status$ = this.statusSubject.asObservable();
    this.logs$ = this.logSubject.asObservable();
  }

  get status(): StatusUpdate {
    return this.statusSubject.value;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Moves to a status (a repeat of the current one, without requests, is no change). */
  setStatus(phase: string, status: DeploymentStatus, at: number, requests?: readonly PendingRequest[]): void {
    const current = this.status;
    const same = current.phase === phase && current.status === status;
    if (same && requests === undefined && current.requests === undefined) return;
    this.statusSubject.next(requests === undefined ? { phase, status, at } : { phase, status, at, requests });
    const callback = this.onStatusChange;
    if (callback === undefined) return;
    try {
      callback(phase, status);
    } catch (error: unknown) {
      this.log(`onStatusChange threw: ${messageOf(error)}`);
    }
  }

  /** Writes a projection's lines, then moves to its status; returns it. */
  apply(projection: DeploymentProjection, at: number): DeploymentProjection {
    for (const line of projection.lines) this.write(line);
    const { change } = projection;
    if (change !== undefined) this.setStatus(change.phase, change.status, at);
    return projection;
  }

  /** The run errored: it failed, in the phase it was in. */
  fail(error: unknown): void {
    this.log(DEPLOYMENT_LOG.failed(messageOf(error)));
    this.setStatus(this.status.phase, 'failed', this.scheduler.now());
  }

  /** A run ended without a final status: it waits when it left requests pending, else it failed. */
  settle(requests: readonly PendingRequest[]): void {
    const { phase, status } = this.status;
    if (requests.length > 0) {
      this.log(DEPLOYMENT_LOG.waiting(phase, requests));
      this.setStatus(phase, 'waiting', this.scheduler.now(), requests);
    } else if (!isTerminalStatus(status)) {
      this.log(DEPLOYMENT_LOG.noFinalStatus);
      this.setStatus(phase, 'failed', this.scheduler.now());
    }
  }

  /** Logs a message at the scheduler's time. */
  log(message: string): void {
    this.write(formatLogLine(this.scheduler.now(), message));
  }

  /** Logs a line already formatted (a projection's, stamped with its event's time). */
  write(line: string): void {
    if (this.closed) return;
    this.buffer.push(line);
    this.logSubject.next(line);
  }

  /** The last `count` lines, oldest first. */
  last(count: number): string[] {
    return this.buffer.last(count);
  }

  close(): void {
    this.closed = true;
    this.statusSubject.complete();
    this.logSubject.complete();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
