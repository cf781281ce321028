import type { Redis } from 'ioredis';

/** @internal One Lua script, run on a connection with its keys then its other arguments. */
export type LuaScript = (redis: Redis, ...args: readonly string[]) => Promise<unknown>;

type Defined = Record<string, (...args: readonly string[]) => Promise<unknown>>;

/**
 * @internal A Lua script run through ioredis' `defineCommand`: the first call on a connection is
 * an `EVAL` (which loads it), every later one an `EVALSHA`, so the script's text crosses the wire
 * once per connection instead of with every call (after a `SCRIPT FLUSH`, the `NOSCRIPT` reply
 * makes ioredis send it again). Calls stay in order with the connection's other commands, as
 * `EVAL` did, except around that resend; a call settles one microtask later than an `EVAL`
 * would (so a failed call is known a little later than the answer of a plain command sent after
 * it). `name` must be unique among the connection's commands (BullMQ defines its own on the
 * connections it shares).
 *
 * Why: the text goes once instead of with each call, where the SHA is 40 characters. Measured
 * (`--commands 300 --in-flight 1` of bench W8): the run's `EVAL` per invocation 1.00 → 0 (its
 * event-stream batch, about 170 characters of script). The deployment record's projection
 * script, about 940 characters, went with each committed event of a deployment (not benched).
 */
export function luaScript(name: string, numberOfKeys: number, lua: string): LuaScript {
  return (redis, ...args) => {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys, lua });
    return (redis as unknown as Defined)[name]!(...args);
  };
}
