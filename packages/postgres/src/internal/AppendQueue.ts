import type { Event, Session, SessionKey } from '@rxagents/core';
import { Observable, type Subscriber } from 'rxjs';
import { type Database, storeFailure } from './Database.js';
import type { Statements } from './statements.js';
import { type Append, storeAppends } from './storeAppends.js';

interface Waiting extends Append {
  readonly subscriber: Subscriber<Event>;
  taken: boolean;
}

// The appends of one session key: the ones not yet sent, whether a statement is in flight, and
// the reads waiting for the queue to drain.
interface SessionAppends {
  readonly waiting: Waiting[];
  running: boolean;
  readonly idle: (() => void)[];
}

/**
 * The appends of every session, one statement in flight per session at a time, in the order they
 * were subscribed. The appends that queue up while a statement is in flight go out together in
 * the next one (`storeAppends`), so a burst of events — the steps of an instant flow, the
 * branches of a fan-out — costs one round trip instead of one each. A batch is taken when its
 * connection is ready, so it holds everything queued until then; it is a run of consecutive
 * positions of one `Session` object (another object of the same key, or a gap, starts the next
 * batch). A batch is stored whole or not at all, and its failure fails each of its appends with
 * the same typed error. An append unsubscribed before its batch was taken is dropped.
 */
export class AppendQueue {
  private readonly sessions = new Map<string, SessionAppends>();
  // The key of each Session object, made once rather than per append.
  private readonly keys = new WeakMap<Session, string>();

  constructor(
    private readonly db: Database,
    private readonly sql: Statements,
  ) {}

  /** Stores a committed event at its position in `session`; emits it once it is durable. */
  append(session: Session, event: Event): Observable<Event> {
    return new Observable<Event>((subscriber) => {
      const key = this.keyOf(session);
      let queue = this.sessions.get(key);
      if (queue === undefined) {
        queue = { waiting: [], running: false, idle: [] };
        this.sessions.set(key, queue);
      }
      const entry: Waiting = { session, event, position: session.indexOf(event), subscriber, taken: false };
      queue.waiting.push(entry);
      if (!queue.running) void this.drain(key, queue);
      const waiting = queue.waiting;
      return () => {
        if (entry.taken) return;
        const at = waiting.indexOf(entry);
        if (at !== -1) waiting.splice(at, 1);
      };
    });
  }

  /**
   * Settles once that session's queue is empty (what is queued now, and what joins it
   * meanwhile); `undefined` when it is empty already.
   */
  drained(key: SessionKey): Promise<void> | undefined {
    const queue = this.sessions.get(keyOf(key.appName, key.userId, key.sessionId));
    if (queue === undefined) return undefined;
    return new Promise((resolve) => queue.idle.push(resolve));
  }

  private keyOf(session: Session): string {
    let key = this.keys.get(session);
    if (key === undefined) {
      key = keyOf(session.appName, session.userId, session.id);
      this.keys.set(session, key);
    }
    return key;
  }

  private async drain(key: string, queue: SessionAppends): Promise<void> {
    queue.running = true;
    while (queue.waiting.length > 0) {
      let batch: Waiting[] | undefined;
      try {
        await this.db.run(async (client) => {
          batch = takeBatch(queue.waiting);
          if (batch.length > 0) await storeAppends(client, this.sql, batch);
        });
        for (const entry of batch!) {
          entry.subscriber.next(entry.event);
          entry.subscriber.complete();
        }
      } catch (error: unknown) {
        // Failed before its connection was ready (connect, migration): the batch is the next run.
        batch ??= takeBatch(queue.waiting);
        const first = batch[0];
        if (first === undefined) continue;
        const failure = storeFailure(
          error,
          first.event.author,
          first.session.id,
          batch.length === 1
            ? ''
            : `storing events #${first.position}-#${first.position + batch.length - 1} together: `,
        );
        for (const entry of batch) entry.subscriber.error(failure);
      }
    }
    queue.running = false;
    this.sessions.delete(key);
    for (const resolve of queue.idle.splice(0)) resolve();
  }
}

// Takes the longest run at the head of `waiting` that one statement can store: one Session
// object, consecutive positions.
function takeBatch(waiting: Waiting[]): Waiting[] {
  let n = 0;
  const first = waiting[0];
  if (first !== undefined) {
    n = 1;
    while (
      n < waiting.length &&
      waiting[n]!.session === first.session &&
      waiting[n]!.position === first.position + n
    ) {
      n++;
    }
  }
  const batch = waiting.splice(0, n);
  for (const entry of batch) entry.taken = true;
  return batch;
}

function keyOf(appName: string, userId: string, sessionId: string): string {
  return JSON.stringify([appName, userId, sessionId]);
}
