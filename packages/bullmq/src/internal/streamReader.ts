import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { interval, type SchedulerLike, type Subscription } from 'rxjs';
import { unavailable } from '../connection.js';
import type { QueueClient } from './QueueClient.js';

/** Who reads one stream through a {@link StreamReader}. */
export interface StreamFollower {
  /** One entry, in stream order; returns true when the follower has had all it wants. */
  entry(fields: readonly string[]): boolean;
  /** A whole poll period went by without an entry: is the producer still alive? */
  quiet(): void;
  /** The reading connection failed; the follower is dropped. */
  fail(error: unknown): void;
}

/** One follow: where it has read up to, and how to stop. */
export interface Following {
  /** Id of the last entry delivered (`'0'` before the first). */
  readonly cursor: string;
  stop(): void;
}

interface Follow {
  readonly stream: string;
  readonly follower: StreamFollower;
  cursor: string;
  // An entry arrived since the last poll tick.
  heard: boolean;
}

type XReadReply = [string, [string, string[]][]][] | null;

/**
 * Every stream a `RemoteRunner`'s runs follow, read on one blocking connection: one `XREAD BLOCK`
 * over all of them, re-issued when it returns. A run that starts while the read is blocked adds
 * an entry to the reader's own wake stream (always among the keys read, so the read returns
 * whichever arrives first: a cursor, unlike `CLIENT UNBLOCK`, cannot miss a read that has not
 * reached Redis yet). The connection is opened on the first follow and closed by `close`; when no
 * stream is followed, no read is left blocked.
 *
 * Measured (bench W8 `--commands`, one run in flight, a private Redis): a connection per run
 * (connect, ready check, teardown) cost the caller 3780 → 1692 µs of CPU per run and Redis 1954 →
 * 910 µs; with both changes of this round, W8 went from 1.7–3.6× the raw-BullMQ floor's time to
 * 0.9–2.0× (bench/README.md, W8).
 */
export class StreamReader {
  private readonly follows = new Set<Follow>();
  // The same follows by stream, so that a reply is handed out without a scan of all of them.
  private readonly byStream = new Map<string, Follow[]>();
  private readonly wakeKey: string;
  private wakeCursor = '0';
  private connection: Promise<Redis> | undefined;
  // Number of the XREAD in flight while it is blocked, else 0; a wake is sent once per read.
  private blockedRead = 0;
  private reads = 0;
  private wokenRead = 0;
  private reading = false;
  private timer: Subscription | undefined;
  private closed = false;

  constructor(
    private readonly client: QueueClient,
    private readonly pollMillis: number,
    private readonly scheduler: SchedulerLike,
  ) {
    // Random, not from the runner's id generator: readers of other processes must never share it.
    this.wakeKey = `${client.keys.base}:wake:${randomUUID()}`;
  }

  /** Delivers `stream`'s entries from the start to `follower` until it is done or stopped. */
  follow(stream: string, follower: StreamFollower): Following {
    if (this.closed) {
      follower.fail(unavailable(new Error('closed'), 'remote run'));
      return { cursor: '0', stop: () => undefined };
    }
    const follow: Follow = { stream, follower, cursor: '0', heard: true };
    this.follows.add(follow);
    const same = this.byStream.get(stream);
    if (same === undefined) this.byStream.set(stream, [follow]);
    else same.push(follow);
    this.timer ??= interval(this.pollMillis, this.scheduler).subscribe(() => this.tick());
    if (this.reading) this.wake();
    else void this.loop();
    return {
      get cursor() {
        return follow.cursor;
      },
      stop: () => this.drop(follow),
    };
  }

  /** Closes the connection; runs still following fail with `BackendUnavailableError`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.failAll(unavailable(new Error('closed'), 'remote run'));
    const connection = this.connection;
    this.connection = undefined;
    (await connection?.catch(() => undefined))?.disconnect();
    if (this.wakeCursor !== '0') {
      await this.client
        .ready()
        .then(({ commands }) => commands.del(this.wakeKey))
        .catch(() => undefined);
    }
  }

  private drop(follow: Follow): void {
    if (!this.follows.delete(follow)) return;
    const same = this.byStream.get(follow.stream)?.filter((other) => other !== follow) ?? [];
    if (same.length === 0) this.byStream.delete(follow.stream);
    else this.byStream.set(follow.stream, same);
    if (this.follows.size > 0) return;
    this.timer?.unsubscribe();
    this.timer = undefined;
    // Nothing left to read: end the blocked read rather than leave it waiting on Redis.
    this.wake();
  }

  private async loop(): Promise<void> {
    this.reading = true;
    try {
      this.connection ??= this.client.dedicated('event stream', `${this.client.keys.base}:reader`);
      const redis = await this.connection;
      while (this.follows.size > 0 && !this.closed) {
        const [keys, cursors] = this.cursors();
        const read = ++this.reads;
        this.blockedRead = read;
        const reply = (await redis
          .xread('BLOCK', this.pollMillis, 'STREAMS', ...keys, ...cursors)
          .catch(async (error: unknown) => {
            if (this.closed || !(await this.dropUnreadable(redis, keys, error))) throw error;
            return null;
          })) as XReadReply;
        this.blockedRead = 0;
        if (this.closed) return;
        this.deliver(reply ?? []);
      }
    } catch (error: unknown) {
      if (this.closed) return;
      const connection = this.connection;
      this.connection = undefined;
      void connection?.then(
        (redis) => redis.disconnect(),
        () => undefined,
      );
      this.failAll(error);
    } finally {
      this.blockedRead = 0;
      this.reading = false;
    }
  }

  // Redis refused the read (not the connection: e.g. a key that is not a stream, WRONGTYPE): only
  // the follows of such keys fail, as they would have with a connection each. True when some did.
  private async dropUnreadable(redis: Redis, keys: readonly string[], error: unknown): Promise<boolean> {
    if (!(error instanceof Error) || error.name !== 'ReplyError') return false;
    const types = (await redis.pipeline(keys.map((key) => ['type', key])).exec()) ?? [];
    let dropped = false;
    keys.forEach((key, i) => {
      const type = types[i]?.[1];
      if (type === 'stream' || type === 'none') return;
      dropped = true;
      if (key === this.wakeKey) {
        this.wakeCursor = '0';
        void redis.del(key).catch(() => undefined);
        return;
      }
      for (const follow of this.byStream.get(key) ?? []) {
        this.drop(follow);
        follow.follower.fail(error);
      }
    });
    return dropped;
  }

  // The keys to read and, per key, the earliest cursor of its follows (one stream may be followed
  // twice: two calls with the same invocation id).
  private cursors(): [string[], string[]] {
    const keys = [this.wakeKey];
    const cursors = [this.wakeCursor];
    for (const [stream, follows] of this.byStream) {
      let earliest = follows[0]!.cursor;
      for (const { cursor } of follows) if (isAfter(earliest, cursor)) earliest = cursor;
      keys.push(stream);
      cursors.push(earliest);
    }
    return [keys, cursors];
  }

  private deliver(reply: NonNullable<XReadReply>): void {
    for (const [key, entries] of reply) {
      if (key === this.wakeKey) {
        this.wakeCursor = entries.at(-1)?.[0] ?? this.wakeCursor;
        continue;
      }
      const follows = this.byStream.get(key);
      if (follows === undefined) continue;
      if (follows.length === 1) this.deliverTo(follows[0]!, entries);
      else for (const follow of follows) this.deliverTo(follow, entries);
    }
  }

  private deliverTo(follow: Follow, entries: readonly [string, string[]][]): void {
    for (const [id, fields] of entries) {
      // A follower may stop itself (or another) while handling an entry.
      if (!this.follows.has(follow)) return;
      if (!isAfter(id, follow.cursor)) continue;
      follow.cursor = id;
      follow.heard = true;
      if (follow.follower.entry(fields)) this.drop(follow);
    }
  }

  // Wakes the blocked read so that it is re-issued with the current follows (or not at all).
  private wake(): void {
    const read = this.blockedRead;
    if (read === 0 || this.wokenRead === read) return;
    this.wokenRead = read;
    this.client
      .ready()
      .then(({ commands }) =>
        commands
          .multi()
          .xadd(this.wakeKey, 'MAXLEN', '1', '*', 'w', '1')
          // A process that dies leaves no key behind for long.
          .expire(this.wakeKey, 3600)
          .exec(),
      )
      .catch(() => undefined);
  }

  private tick(): void {
    for (const follow of [...this.follows]) {
      if (!follow.heard && this.follows.has(follow)) follow.follower.quiet();
      follow.heard = false;
    }
  }

  private failAll(error: unknown): void {
    const follows = [...this.follows];
    this.follows.clear();
    this.byStream.clear();
    this.timer?.unsubscribe();
    this.timer = undefined;
    for (const follow of follows) follow.follower.fail(error);
  }
}

// Stream ids are `<ms>-<seq>`; the cursor before the first entry is '0'. Usually the entry comes
// from a read at this very cursor, and the texts differ.
function isAfter(a: string, b: string): boolean {
  if (a === b) return false;
  if (b === '0') return true;
  const aDash = a.indexOf('-');
  const bDash = b.indexOf('-');
  const aMs = Number(a.slice(0, aDash));
  const bMs = Number(b.slice(0, bDash));
  return aMs > bMs || (aMs === bMs && Number(a.slice(aDash + 1)) > Number(b.slice(bDash + 1)));
}
