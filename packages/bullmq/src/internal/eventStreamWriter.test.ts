import type { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, ensureServices, redisClient, uniquePrefix } from '../../test/helpers.js';
import { EventStreamWriter } from './eventStreamWriter.js';

const prefixes: string[] = [];
afterEach(async () => {
  for (const prefix of prefixes.splice(0)) await dropPrefix(prefix);
});
beforeAll(() => ensureServices());

async function setup(name: string) {
  const prefix = uniquePrefix(name);
  prefixes.push(prefix);
  const redis = await redisClient();
  return { redis, stream: `${prefix}:events` };
}

// A writer whose first batch (entry '1') has gone out to a key that is not a stream: it fails.
async function failingFirstBatch(redis: Redis, stream: string): Promise<EventStreamWriter> {
  await redis.set(stream, 'taken');
  const writer = new EventStreamWriter(redis, stream, 60);
  writer.write(['t', 'event', 'event', '1']);
  await new Promise((resolve) => setImmediate(resolve));
  return writer;
}

describe('EventStreamWriter', () => {
  it('writes the entries in order, the end marker last, and sets the TTL', async () => {
    const { redis, stream } = await setup('writer');
    try {
      const writer = new EventStreamWriter(redis, stream, 60);
      writer.write(['t', 'event', 'event', '1']);
      writer.write(['t', 'event', 'event', '2']);
      await new Promise((resolve) => setImmediate(resolve));
      writer.write(['t', 'event', 'event', '3']);
      await writer.finish(['t', 'end', 'outcome', 'completed']);
      const entries = await redis.xrange(stream, '-', '+');
      expect(entries.map(([, fields]) => fields)).toEqual([
        ['t', 'event', 'event', '1'],
        ['t', 'event', 'event', '2'],
        ['t', 'event', 'event', '3'],
        ['t', 'end', 'outcome', 'completed'],
      ]);
      expect(await redis.ttl(stream)).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });

  it('after an entry that could not be written, the end marker stays out and finish rejects', async () => {
    const { redis, stream } = await setup('writer-fail');
    try {
      const writer = await failingFirstBatch(redis, stream);
      await redis.del(stream);
      // the next batch goes through: a hole before it
      writer.write(['t', 'event', 'event', '2']);
      await expect(writer.finish(['t', 'end', 'outcome', 'completed'])).rejects.toThrow(/WRONGTYPE/);
      await writer.fail(['t', 'error', 'error', '{}']);
      const entries = await redis.xrange(stream, '-', '+');
      expect(entries.map(([, fields]) => fields)).toEqual([
        ['t', 'event', 'event', '2'],
        ['t', 'error', 'error', '{}'],
      ]);
    } finally {
      redis.disconnect();
    }
  });

  it('waits for a batch still unanswered before the end marker, which stays out after its hole', async () => {
    const { redis, stream } = await setup('writer-in-flight');
    try {
      const writer = await failingFirstBatch(redis, stream);
      // the key is gone before any later batch: one would go through
      const deleted = redis.del(stream);
      // the run ends before the first batch has answered
      await expect(writer.finish(['t', 'end', 'outcome', 'completed'])).rejects.toThrow(/WRONGTYPE/);
      await deleted;
      expect(await redis.exists(stream)).toBe(0);
    } finally {
      redis.disconnect();
    }
  });
});
