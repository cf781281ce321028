import type { Event, Runner, RunRequest } from '@rxagents/core';
import { firstValueFrom, Observable, Subject, type Subscription } from 'rxjs';
import { HttpError } from '../HttpError.js';

/** Where a run is: still producing events, or ended one of three ways. */
export type RunStatus = 'running' | 'completed' | 'cancelled' | 'failed';

/** What a connection does to the run when it goes away. */
export type DisconnectPolicy = 'cancel' | 'detach';

/** A run as the API reports it. */
export interface RunSummary {
  readonly runId: string;
  readonly agent: string;
  readonly userId: string;
  readonly sessionId: string;
  readonly status: RunStatus;
  readonly onDisconnect: DisconnectPolicy;
  /** Committed events so far. */
  readonly eventCount: number;
}

/** One message of a run's stream: an event, or the end of the run (with the error of a failure). */
export type RunMessage =
  | { readonly kind: 'event'; readonly event: Event }
  | { readonly kind: 'end'; readonly status: Exclude<RunStatus, 'running'>; readonly error?: unknown };

/**
 * One run held by the server: the single subscription to `runner.run`, multicast to every
 * connection, with the run's committed events kept for replay. A connection attaches with the id
 * of the last event it saw and gets the committed events after it, then the live ones; nothing
 * is re-run. Per-run state lives here, never on the agent.
 */
export class LiveRun {
  status: RunStatus = 'running';
  private readonly committed: Event[] = [];
  // Event id (partial ones included) → how many committed events precede the next one.
  private readonly positions = new Map<string, number>();
  private readonly live = new Subject<RunMessage>();
  private subscription: Subscription | undefined;
  private connections = 0;
  private ending: RunMessage | undefined;
  private first: RunMessage | undefined;

  constructor(
    readonly runId: string,
    readonly agent: string,
    readonly userId: string,
    readonly sessionId: string,
    readonly onDisconnect: DisconnectPolicy,
    private readonly onEnd: (run: LiveRun) => void,
  ) {}

  /** Subscribes the runner once; events reach the connections attached at that moment and later. */
  start(runner: Runner, request: RunRequest): void {
    this.subscription = runner.run(request).subscribe({
      next: (event) => {
        if (event.partial !== true) this.committed.push(event);
        this.positions.set(event.id, this.committed.length);
        const message: RunMessage = { kind: 'event', event };
        this.first ??= message;
        this.live.next(message);
      },
      error: (error: unknown) => this.end({ kind: 'end', status: 'failed', error }),
      complete: () => this.end({ kind: 'end', status: 'completed' }),
    });
  }

  /**
   * Stops the run on the server: unsubscribing aborts the model and tool calls in flight, and
   * nothing is committed after it. A run that already ended is left as it is.
   */
  cancel(): void {
    if (this.status !== 'running') return;
    this.subscription?.unsubscribe();
    this.end({ kind: 'end', status: 'cancelled' });
  }

  /**
   * The run's stream for one connection: the committed events after `lastEventId` (all of them
   * without one), then the live ones, then the end. When the last connection of a run whose
   * policy is `cancel` goes away before the end, the run is cancelled.
   */
  attach(lastEventId?: string): Observable<RunMessage> {
    let from = 0;
    if (lastEventId !== undefined) {
      const position = this.positions.get(lastEventId);
      if (position === undefined) {
        throw new HttpError(
          400,
          'INVALID_REQUEST',
          `run '${this.runId}' has no event '${lastEventId}'`,
          'Last-Event-ID',
        );
      }
      from = position;
    }
    return new Observable<RunMessage>((subscriber) => {
      // Replay and subscription happen in one synchronous step: no live event can fall between.
      for (let i = from; i < this.committed.length; i++)
        subscriber.next({ kind: 'event', event: this.committed[i]! });
      if (this.ending !== undefined) {
        subscriber.next(this.ending);
        subscriber.complete();
        return;
      }
      this.connections++;
      const inner = this.live.subscribe(subscriber);
      return () => {
        inner.unsubscribe();
        this.connections--;
        if (this.connections === 0 && this.onDisconnect === 'cancel') this.cancel();
      };
    });
  }

  /**
   * The run's first message: its first event, or its end when it ends before any. A resume
   * checks its answers (ids, schemas, a dry replay) before its first event, so this tells a
   * refused resume from one under way without opening a stream.
   */
  opening(): Promise<RunMessage> {
    return this.first === undefined ? firstValueFrom(this.live) : Promise.resolve(this.first);
  }

  /** Whether a connection that saw `lastEventId` has every committed event of the run. */
  caughtUp(lastEventId: string): boolean {
    return this.positions.get(lastEventId) === this.committed.length;
  }

  summary(): RunSummary {
    const { runId, agent, userId, sessionId, status, onDisconnect } = this;
    return { runId, agent, userId, sessionId, status, onDisconnect, eventCount: this.committed.length };
  }

  private end(message: RunMessage & { kind: 'end' }): void {
    if (this.ending !== undefined) return;
    this.status = message.status;
    this.ending = message;
    this.first ??= message;
    this.onEnd(this);
    this.live.next(message);
    this.live.complete();
  }
}
