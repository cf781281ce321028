// A worker: `pnpm --filter @rxagents/example-distributed worker` (start two, in two terminals).

import { postgresUrl, prefix, redisUrl, schema } from './config.js';
import { runWorker } from './runWorker.js';

const workerId = process.env.RXAGENTS_WORKER_ID ?? `worker-${process.pid}`;
const { close } = await runWorker({
  redisUrl,
  postgresUrl,
  prefix,
  schema,
  workerId,
  concurrency: Number(process.env.RXAGENTS_CONCURRENCY ?? 2),
  print: (line) => console.log(`[${workerId}] ${line}`),
});
console.log(`[${workerId}] ready: agents storyteller, deployments site (Ctrl-C to stop)`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`[${workerId}] finishing running jobs…`);
    void close().then(() => process.exit(0));
  });
}
