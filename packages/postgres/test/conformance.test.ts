import { sessionServiceConformance } from '@rxagents/testing/session-service';
import { afterAll, beforeAll } from 'vitest';
import { PostgresSessionService } from '../src/index.js';
import { adminPool, databaseUrl, dropSchema, uniqueSchema } from './db.js';

let admin: Awaited<ReturnType<typeof adminPool>>;
beforeAll(async () => {
  admin = await adminPool();
});
afterAll(async () => {
  await admin.end();
});

// Every test gets a fresh schema, dropped after it.
sessionServiceConformance('PostgresSessionService', async () => {
  const schema = uniqueSchema('conf');
  const service = new PostgresSessionService({ connectionString: await databaseUrl(), schema });
  return {
    service,
    dispose: async () => {
      await service.close();
      await dropSchema(admin, schema);
    },
  };
});
