// The client: `pnpm --filter @rxagents/example-distributed client` (with workers running).
import { prefix, redisUrl } from './config.js';
import { runClient } from './runClient.js';

await runClient({ redisUrl, prefix, print: (line) => console.log(line) });
