// A W8 worker process, started by w8bullmq.ts with W8_PREFIX: hosts the rxagents flow on a
// `startWorker` (sessions in memory: each invocation has a session of its own, so no worker needs
// another's) and the raw-BullMQ floor's worker, which writes the same events with one pipelined
// batch of XADDs. Prints `ready`; closes both on SIGTERM.

import { startWorker } from '@rxagents/bullmq';
import { InMemorySessionService } from '@rxagents/core';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { FLOOR_QUEUE, floorEvents, floorStream, flow, QUEUE, WORKER_CONCURRENCY } from './w8flow.js';

const prefix = process.env.W8_PREFIX;
if (prefix === undefined) throw new Error('W8_PREFIX is not set');
const connection = { host: '127.0.0.1', port: Number(process.env.W8_REDIS_PORT ?? 6379) };

const worker = await startWorker({
  connection,
  prefix,
  queueName: QUEUE,
  sessionService: new InMemorySessionService(),
  agents: { flow: flow() },
  concurrency: WORKER_CONCURRENCY,
});

const commands = new Redis(connection);
const floor = new Worker<{ invocationId: string }>(
  FLOOR_QUEUE,
  async (job) => {
    const stream = floorStream(prefix, job.data.invocationId);
    const batch = commands.pipeline();
    for (const event of floorEvents(job.data.invocationId)) {
      batch.xadd(stream, '*', 't', 'event', 'event', JSON.stringify(event));
    }
    batch.xadd(stream, '*', 't', 'end');
    await batch.exec();
  },
  { connection, prefix, concurrency: WORKER_CONCURRENCY },
);
await floor.waitUntilReady();
process.stdout.write('ready\n');

process.once('SIGTERM', () => {
  void Promise.all([worker.close(), floor.close()])
    .then(() => commands.quit())
    .then(() => process.exit(0));
});
