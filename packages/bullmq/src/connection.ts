import { BackendUnavailableError } from '@rxagents/core';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * Where Redis is: a `redis://` URL or ioredis options (`{ host, port, password, db, tls, … }`).
 * Not an ioredis instance: every component opens the connections it needs (blocking reads and
 * pub/sub each need their own), with its own retry bounds.
 *
 * @example
 * ```ts
 * const connection: RedisConnection = { host: '127.0.0.1', port: 6379 };
 * const same: RedisConnection = 'redis://127.0.0.1:6379';
 * ```
 */
export type RedisConnection = string | RedisOptions;

/** What every component of this package needs to find its queue. */
export interface QueueLocation {
  readonly connection: RedisConnection;
  /**
   * Prefix of every Redis key (BullMQ's and ours). Default `'rxagents'`. Give each application
   * (and each test) its own so they never see each other's jobs.
   */
  readonly prefix?: string;
  /** The BullMQ queue. Default `'rxagents'`. */
  readonly queueName?: string;
  /**
   * How long to wait for Redis before failing with a `BackendUnavailableError` instead of
   * hanging. Default 5000 ms.
   */
  readonly connectTimeoutMillis?: number;
}

export const DEFAULT_PREFIX = 'rxagents';
export const DEFAULT_QUEUE = 'rxagents';
const DEFAULT_CONNECT_TIMEOUT = 5000;

/** @internal The options ioredis and BullMQ get, from a URL or options. */
export function redisOptionsOf(connection: RedisConnection): RedisOptions {
  if (typeof connection !== 'string') return { ...connection };
  const url = new URL(connection);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
  return {
    host: url.hostname || '127.0.0.1',
    port: url.port === '' ? 6379 : Number(url.port),
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    ...(db === undefined || Number.isNaN(db) ? {} : { db }),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** @internal Resolved location with defaults. */
export interface Location {
  readonly options: RedisOptions;
  readonly prefix: string;
  readonly queueName: string;
  readonly timeout: number;
}

/** @internal */
export function locate(location: QueueLocation): Location {
  return {
    options: redisOptionsOf(location.connection),
    prefix: location.prefix ?? DEFAULT_PREFIX,
    queueName: location.queueName ?? DEFAULT_QUEUE,
    timeout: location.connectTimeoutMillis ?? DEFAULT_CONNECT_TIMEOUT,
  };
}

/**
 * @internal Opens a connection for our own commands. ioredis queues commands while disconnected
 * and retries them forever by default, so a dead Redis would hang every caller: the first
 * connection is bounded by `timeout`, and afterwards each command fails after two reconnection
 * attempts (about half a second) while the connection keeps reconnecting in the background, so
 * a long-lived worker or client works again once Redis is back. Rejects with
 * `BackendUnavailableError('redis', …)`. `name` is the connection's name in `CLIENT LIST`.
 */
export async function connectRedis(location: Location, purpose: string, name?: string): Promise<Redis> {
  const { host = '127.0.0.1', port = 6379 } = location.options;
  const redis = new Redis({
    ...location.options,
    lazyConnect: true,
    ...(name === undefined ? {} : { connectionName: name }),
    connectTimeout: location.timeout,
    maxRetriesPerRequest: 2,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  // Without a listener ioredis prints every connection error; they reach callers as rejections.
  redis.on('error', () => undefined);
  // A real timer, not the component's scheduler: it bounds a socket's connection (adapter setup,
  // outside any run's execution path, where core allows no timers), which a test's virtual
  // clock must not cut short or stretch.
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no connection within ${location.timeout} ms`)),
          location.timeout,
        );
      }),
    ]);
    return redis;
  } catch (error: unknown) {
    redis.disconnect();
    throw unavailable(error, `cannot connect to ${host}:${port} (${purpose})`);
  } finally {
    clearTimeout(timer);
  }
}

/** @internal A Redis failure as the typed error callers get (typed errors pass through). */
export function unavailable(error: unknown, what: string): Error {
  if (error instanceof BackendUnavailableError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new BackendUnavailableError('redis', `${what}: ${reason}`, error);
}
