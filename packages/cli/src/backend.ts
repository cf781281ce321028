import type { DistributedWorkload } from '@rxagents/bullmq';
import type { PostgresSessionService } from '@rxagents/postgres';
import { lastValueFrom } from 'rxjs';

/**
 * Where distributed workloads live: the Redis of the BullMQ queue and, optionally, the PostgreSQL
 * database of their sessions. From the global options `--redis`, `--postgres`, `--schema`,
 * `--prefix`, `--queue` or their environment variables.
 */
export interface BackendConfig {
  /** `redis://` URL of the queue (`--redis`, `RXAGENTS_REDIS_URL`). */
  readonly redis: string;
  /** `postgres://` URL of the sessions (`--postgres`, `RXAGENTS_POSTGRES_URL`). */
  readonly postgres?: string;
  /** Schema of the sessions (`--schema`, `RXAGENTS_POSTGRES_SCHEMA`). Default `rxagents`. */
  readonly schema?: string;
  /** Prefix of every Redis key (`--prefix`, `RXAGENTS_PREFIX`). Default `rxagents`. */
  readonly prefix?: string;
  /** BullMQ queue name (`--queue`, `RXAGENTS_QUEUE`). Default `rxagents`. */
  readonly queue?: string;
}

/** How long a command waits for Redis before saying it is unreachable. */
export const CONNECT_TIMEOUT_MS = 3000;

type BullmqModule = typeof import('@rxagents/bullmq');
type PostgresModule = typeof import('@rxagents/postgres');
type McpModule = typeof import('@rxagents/mcp');
type ServerModules = {
  readonly server: typeof import('@rxagents/server');
  readonly node: typeof import('@rxagents/server/node');
};

// Only a missing package itself becomes the install hint; a package that is installed but fails
// to load (a missing transitive dependency, a syntax error) keeps its own error.
function missing(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    error instanceof Error &&
    error.message.includes(`'${name}'`)
  );
}

/** `@rxagents/bullmq`, loaded on demand: it is an optional peer dependency of the CLI. */
export async function loadBullmq(): Promise<BullmqModule> {
  try {
    return await import('@rxagents/bullmq');
  } catch (error: unknown) {
    if (missing(error, '@rxagents/bullmq')) {
      throw new Error('a Redis backend is configured, which needs @rxagents/bullmq: npm i @rxagents/bullmq');
    }
    throw error;
  }
}

/** `@rxagents/postgres`, loaded on demand: it is an optional peer dependency of the CLI. */
export async function loadPostgres(): Promise<PostgresModule> {
  try {
    return await import('@rxagents/postgres');
  } catch (error: unknown) {
    if (missing(error, '@rxagents/postgres')) {
      throw new Error(
        'a PostgreSQL URL is configured, which needs @rxagents/postgres: npm i @rxagents/postgres',
      );
    }
    throw error;
  }
}

/** `@rxagents/mcp`, loaded on demand: it is an optional peer dependency of the CLI. */
export async function loadMcp(): Promise<McpModule> {
  try {
    return await import('@rxagents/mcp');
  } catch (error: unknown) {
    if (missing(error, '@rxagents/mcp'))
      throw new Error('rxagents mcp needs @rxagents/mcp: npm i @rxagents/mcp');
    throw error;
  }
}

/** `@rxagents/server` and its node adapter, loaded on demand: an optional peer dependency of the CLI. */
export async function loadServer(): Promise<ServerModules> {
  try {
    const [server, node] = await Promise.all([import('@rxagents/server'), import('@rxagents/server/node')]);
    return { server, node };
  } catch (error: unknown) {
    if (missing(error, '@rxagents/server') || missing(error, '@rxagents/server/node'))
      throw new Error('rxagents web needs @rxagents/server: npm i @rxagents/server');
    throw error;
  }
}

/** A URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** `redis://host:port · prefix p · queue q`, to say where the CLI looked. */
export function describeQueue(config: BackendConfig): string {
  return `${redact(config.redis)} · prefix ${config.prefix ?? 'rxagents'} · queue ${config.queue ?? 'rxagents'}`;
}

interface CodedError {
  readonly code?: unknown;
  readonly backend?: unknown;
  readonly deploymentId?: unknown;
}

/**
 * Rewrites the backends' typed errors as messages that say which backend, where, and which option
 * points at it; other errors pass through. Matched by `code`, not `instanceof`: the backend
 * packages may load their own copy of `@rxagents/core`.
 */
export function explain(error: unknown, config: BackendConfig): unknown {
  if (!(error instanceof Error)) return error;
  const coded = error as Error & CodedError;
  if (coded.code === 'BACKEND_UNAVAILABLE') {
    const reason = error.message.replace(/^(redis|postgres): /, '');
    if (coded.backend === 'postgres') {
      return new Error(
        `PostgreSQL at ${redact(config.postgres ?? '?')} is unreachable (--postgres / RXAGENTS_POSTGRES_URL): ${reason}`,
      );
    }
    return new Error(
      `Redis at ${redact(config.redis)} is unreachable (--redis / RXAGENTS_REDIS_URL): ${reason}`,
    );
  }
  if (coded.code === 'DEPLOYMENT_NOT_FOUND') {
    const id = typeof coded.deploymentId === 'string' ? coded.deploymentId : '?';
    return new Error(`no deployment '${id}' on ${describeQueue(config)} (see 'rxagents list')`);
  }
  return error;
}

/** A `DistributedWorkload` on the configured queue, and the session service for `cleanup`. */
export interface Backend {
  readonly config: BackendConfig;
  readonly workload: DistributedWorkload;
  /** Closes the connections (deployments keep running on the workers). */
  close(): Promise<void>;
}

/**
 * Connects to the configured backend. With `sessions`, also opens the PostgreSQL session service
 * (when configured) and checks that it answers before anything is changed in Redis: `cleanup`
 * deletes the Redis record first, and a database that is down would leave the session behind.
 */
export async function openBackend(
  config: BackendConfig,
  options: { readonly sessions?: boolean } = {},
): Promise<Backend> {
  const { DistributedWorkload } = await loadBullmq();
  let sessions: PostgresSessionService | undefined;
  if (options.sessions === true && config.postgres !== undefined) {
    sessions = await openSessions(config);
  }
  const workload = new DistributedWorkload({
    connection: config.redis,
    connectTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(config.prefix === undefined ? {} : { prefix: config.prefix }),
    ...(config.queue === undefined ? {} : { queueName: config.queue }),
    ...(sessions === undefined ? {} : { sessionService: sessions }),
  });
  return {
    config,
    workload,
    close: async () => {
      await workload.close().catch(() => undefined);
      await sessions?.close().catch(() => undefined);
    },
  };
}

/** The PostgreSQL session service, migrated (which also proves the database answers). */
export async function openSessions(config: BackendConfig): Promise<PostgresSessionService> {
  const { PostgresSessionService } = await loadPostgres();
  const sessions = new PostgresSessionService({
    ...(config.postgres === undefined ? {} : { connectionString: config.postgres }),
    connectTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(config.schema === undefined ? {} : { schema: config.schema }),
  });
  try {
    await lastValueFrom(sessions.migrate(), { defaultValue: undefined });
  } catch (error: unknown) {
    await sessions.close().catch(() => undefined);
    throw explain(error, config);
  }
  return sessions;
}

/** Runs `body` on an open backend, closes it, and explains backend errors. */
export async function withBackend<T>(
  config: BackendConfig,
  body: (backend: Backend) => Promise<T>,
  options: { readonly sessions?: boolean } = {},
): Promise<T> {
  const backend = await openBackend(config, options);
  try {
    return await body(backend);
  } catch (error: unknown) {
    throw explain(error, config);
  } finally {
    await backend.close();
  }
}
