import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClient } from './runClient.js';
import { runWorker } from './runWorker.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const redisUrl = 'redis://127.0.0.1:6379';
const postgresUrl = process.env.RXAGENTS_TEST_PG || 'postgres://postgres@127.0.0.1:5432/postgres';
const id = randomUUID().slice(0, 8);
const prefix = `rxt-example-${id}`;
const schema = `rxt_example_${id}`;

beforeAll(() => {
  const script = resolve(root, 'scripts/ensure-services.sh');
  if (existsSync(script)) execFileSync('bash', [script], { stdio: 'inherit' });
});

afterAll(async () => {
  const { Redis } = await import('ioredis');
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

describe('distributed example', () => {
  it('two workers serve the client: a streamed story, a cancelled run, deployments on both', async () => {
    const log: string[] = [];
    const workers = await Promise.all(
      ['w1', 'w2'].map((workerId) =>
        runWorker({
          redisUrl,
          postgresUrl,
          prefix,
          schema,
          workerId,
          concurrency: 2,
          print: (l) => log.push(`${workerId} ${l}`),
        }),
      ),
    );
    try {
      const out: string[] = [];
      await runClient({ redisUrl, prefix, print: (line) => out.push(line), deployments: 4 });
      expect(out).toContain(
        '  writer: Once, a fox in the snow found a lantern that only lit for the honest. It glowed all winter.',
      );
      expect(out).toContain('  critic: Warm and short. Keep the lantern; cut "all winter".');
      expect(out.some((l) => l.startsWith('cancelled a second run after its first event'))).toBe(true);
      const rows = out.filter((l) => /^ {2}deployment-\S+ {2}completed/.test(l));
      expect(rows).toHaveLength(4);
      // two workers with two slots each share four deployments
      expect(new Set(rows.map((l) => l.match(/on (w\d)/)?.[1])).size).toBe(2);
      expect(log.some((l) => / run inv-\S+ cancelled$/.test(l))).toBe(true);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
  }, 30_000);
});
