import { InMemorySessionService, type SessionService } from '@rxagents/core';
import {
  type BackendConfig,
  CONNECT_TIMEOUT_MS,
  describeQueue,
  explain,
  loadBullmq,
  openSessions,
} from './backend.js';
import { pc } from './colors.js';
import { loadModule } from './loadModule.js';
import { formatDuration } from './renderTimeline.js';
import { type CliIo, EXIT_INTERRUPTED } from './runCommand.js';
import { hostedBy } from './workerHosting.js';

/** Options of `rxagents worker`. */
export interface WorkerCommandOptions {
  readonly module: string;
  /** Jobs run at once. Default 1. */
  readonly concurrency?: number;
  /** The export holding the spec or the record of specs. */
  readonly export?: string;
  /** Names the worker in deployment records. Default: random. */
  readonly workerId?: string;
  /**
   * On Ctrl-C or SIGTERM, how long to wait for running jobs before handing them over to other
   * workers (they resume them when the lock expires). Default: as long as they take.
   */
  readonly graceMillis?: number;
}

/** Exit code after SIGTERM (128 + 15), as shells expect. */
const EXIT_TERMINATED = 143;

function clock(): string {
  return pc.dim(new Date().toISOString().slice(11, 19));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `rxagents worker`: a BullMQ worker (`startWorker` of `@rxagents/bullmq`) hosting the module's
 * deployment specs and agents by name, until Ctrl-C or SIGTERM. Prints one line per job it picks
 * up and per job that ends. Closing is clean: it takes no new jobs and waits for the running ones
 * to end (at most `graceMillis`, then they are handed over); a second Ctrl-C exits at once, and
 * another worker resumes those jobs when their lock expires. Sessions live in PostgreSQL when configured, else in this process's memory.
 */
export async function workerCommand(
  options: WorkerCommandOptions,
  config: BackendConfig,
  io: CliIo,
): Promise<number> {
  const out = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };
  const { startWorker } = await loadBullmq();
  const loaded = await loadModule(options.module, io.cwd);
  const hosted = hostedBy(loaded.exports, loaded.path, options.export);

  let sessions: SessionService;
  let closeSessions = async (): Promise<void> => {};
  if (config.postgres === undefined) {
    sessions = new InMemorySessionService();
  } else {
    const postgres = await openSessions(config);
    sessions = postgres;
    closeSessions = () => postgres.close();
  }

  let handle: Awaited<ReturnType<typeof startWorker>>;
  try {
    handle = await startWorker({
      connection: config.redis,
      connectTimeoutMillis: CONNECT_TIMEOUT_MS,
      ...(config.prefix === undefined ? {} : { prefix: config.prefix }),
      ...(config.queue === undefined ? {} : { queueName: config.queue }),
      ...(options.workerId === undefined ? {} : { workerId: options.workerId }),
      sessionService: sessions,
      deployments: hosted.deployments,
      agents: hosted.agents,
      concurrency: options.concurrency ?? 1,
    });
  } catch (error: unknown) {
    await closeSessions().catch(() => undefined);
    throw explain(error, config);
  }

  const names = (record: Readonly<Record<string, unknown>>): string =>
    Object.keys(record).join(', ') || pc.dim('none');
  out(`${pc.bold('worker')} ${handle.workerId} ${pc.dim(`on ${describeQueue(config)}`)}`);
  out(`  deployment specs  ${names(hosted.deployments)}`);
  out(`  agents            ${names(hosted.agents)}`);
  out(
    `  sessions          ${
      config.postgres === undefined
        ? `in memory ${pc.dim('(this worker only: give --postgres so another worker can resume them)')}`
        : `PostgreSQL, schema ${config.schema ?? 'rxagents'}`
    }`,
  );
  out(`  concurrency       ${options.concurrency ?? 1}`);
  out(pc.dim('waiting for jobs · Ctrl-C to stop'));

  // A Redis outage makes BullMQ report the same error on every retry: print each message once a
  // while, not in a flood.
  const lastError = new Map<string, number>();
  const subscription = handle.activity$.subscribe((activity) => {
    switch (activity.type) {
      case 'started':
        out(
          `${clock()} ${pc.cyan('▸')} ${activity.resumed ? 'resumed' : 'picked up'} ${activity.kind} '${activity.name}' ${pc.dim(activity.jobId)}`,
        );
        return;
      case 'completed':
        out(
          `${clock()} ${pc.green('✔')} completed ${activity.kind} '${activity.name}' ${pc.dim(activity.jobId)}`,
        );
        return;
      case 'cancelled':
        out(
          `${clock()} ${pc.yellow('■')} cancelled ${activity.kind} '${activity.name}' ${pc.dim(activity.jobId)}`,
        );
        return;
      case 'failed':
        out(
          `${clock()} ${pc.red('✖')} failed ${activity.kind} '${activity.name}' ${pc.dim(activity.jobId)}: ${messageOf(activity.error)}`,
        );
        return;
      case 'error': {
        const message = messageOf(explain(activity.error, config));
        const now = Date.now();
        if (now - (lastError.get(message) ?? 0) < 10_000) return;
        lastError.set(message, now);
        io.stderr.write(`${clock()} ${pc.red('error')} ${message}\n`);
        return;
      }
    }
  });

  const code = await new Promise<number>((resolve) => {
    const stop = (exitCode: number): void => {
      removeInterrupt();
      process.off('SIGTERM', onTerm);
      const running = handle.running;
      const jobs = `${running} running job${running === 1 ? '' : 's'}`;
      const grace = options.graceMillis;
      out(
        running === 0
          ? 'closing'
          : grace === undefined
            ? `closing: waiting for ${jobs} to end ${pc.dim('(Ctrl-C again to exit now; another worker resumes them)')}`
            : `closing: waiting up to ${formatDuration(grace)} for ${jobs} to end, then handing them over to other workers`,
      );
      resolve(exitCode);
    };
    const onTerm = (): void => stop(EXIT_TERMINATED);
    const removeInterrupt = io.onInterrupt(() => stop(EXIT_INTERRUPTED));
    process.once('SIGTERM', onTerm);
  });
  await handle.close(options.graceMillis === undefined ? {} : { graceMillis: options.graceMillis });
  subscription.unsubscribe();
  await closeSessions().catch(() => undefined);
  out(`worker ${handle.workerId} closed`);
  return code;
}
