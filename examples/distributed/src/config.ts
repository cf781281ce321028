// Where Redis and PostgreSQL are, from the environment (defaults: the local services).
export const redisUrl = process.env.RXAGENTS_REDIS ?? 'redis://127.0.0.1:6379';
export const postgresUrl = process.env.RXAGENTS_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Key prefix and schema of the example, so it never touches other data. */
export const prefix = process.env.RXAGENTS_PREFIX ?? 'rxagents-example';
export const schema = process.env.RXAGENTS_SCHEMA ?? 'rxagents_example';
