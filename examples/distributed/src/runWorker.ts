import { startWorker, type WorkerHandle } from '@rxagents/bullmq';
import { PostgresSessionService } from '@rxagents/postgres';
import { site, storyteller } from './agents.js';

/** Starts a worker hosting the example's agents; `close()` also closes its session store. */
export async function runWorker(options: {
  readonly redisUrl: string;
  readonly postgresUrl: string;
  readonly prefix: string;
  readonly schema: string;
  readonly workerId?: string;
  readonly concurrency?: number;
  readonly print?: (line: string) => void;
}): Promise<{ readonly worker: WorkerHandle; close(): Promise<void> }> {
  const sessionService = new PostgresSessionService({
    connectionString: options.postgresUrl,
    schema: options.schema,
  });
  const worker = await startWorker({
    connection: options.redisUrl,
    prefix: options.prefix,
    sessionService,
    agents: { storyteller },
    deployments: { site },
    concurrency: options.concurrency ?? 2,
    ...(options.workerId === undefined ? {} : { workerId: options.workerId }),
    // a killed worker's jobs move to another one within a few seconds
    lockDurationMillis: 5000,
    stalledIntervalMillis: 2000,
  });
  const print = options.print ?? (() => undefined);
  worker.activity$.subscribe((a) => {
    if (a.type === 'error') print(`error: ${String(a.error)}`);
    else if (a.type === 'failed') print(`${a.kind} ${a.jobId} failed: ${String(a.error)}`);
    else if (a.type === 'started')
      print(`${a.kind} ${a.jobId} (${a.name}) ${a.resumed ? 'resumed' : 'started'}`);
    else print(`${a.kind} ${a.jobId} ${a.type}`);
  });
  return {
    worker,
    close: async () => {
      // running jobs get ten seconds to finish; the rest move to another worker
      await worker.close({ graceMillis: 10_000 });
      await sessionService.close();
    },
  };
}
