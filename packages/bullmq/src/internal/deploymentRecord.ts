import type { PendingRequest } from '@rxagents/core';
import type { DeploymentStatus, StatusUpdate } from '@rxagents/workloads';
import type { Redis } from 'ioredis';
import { luaScript } from './luaScript.js';

/** @internal Fields of a deployment's Redis hash. */
export interface DeploymentRecord {
  readonly id: string;
  readonly spec: string;
  readonly goal: string;
  readonly phase: string;
  readonly status: DeploymentStatus;
  readonly at: number;
  /** The attempt at the phases it is in (or ended in), from 1. */
  readonly attempt: number;
  /** The invocation id of its current (or last) run. */
  readonly invocation: string;
  /** Worker that ran it last. */
  readonly worker: string;
  /** Times a worker picked one of its runs up (a resume after a lost worker counts again). */
  readonly pickups: number;
  /** Times it reached `completed` (at most 1 unless restarted after completing, which start() forbids). */
  readonly completions: number;
  readonly started: boolean;
  /** Log lines ever written (the list keeps the last `logCapacity`): how `logs$` finds new ones. */
  readonly lines: number;
  /** While `waiting`: the requests it waits for. */
  readonly requests: readonly PendingRequest[];
}

const STATUSES: ReadonlySet<string> = new Set([
  'pending',
  'running',
  'waiting',
  'completed',
  'failed',
  'stopped',
]);

/** @internal */
export function parseRecord(hash: Readonly<Record<string, string>>): DeploymentRecord | undefined {
  const id = hash.id;
  if (id === undefined) return undefined;
  const status = hash.status ?? 'pending';
  return {
    id,
    spec: hash.spec ?? '',
    goal: hash.goal ?? '',
    phase: hash.phase ?? '',
    status: (STATUSES.has(status) ? status : 'pending') as DeploymentStatus,
    at: Number(hash.at ?? 0),
    attempt: Number(hash.attempt ?? 1),
    invocation: hash.invocation ?? '',
    worker: hash.worker ?? '',
    pickups: Number(hash.pickups ?? 0),
    completions: Number(hash.completions ?? 0),
    started: hash.started === '1',
    lines: Number(hash.lines ?? 0),
    requests: hash.requests === undefined ? [] : (JSON.parse(hash.requests) as PendingRequest[]),
  };
}

/** @internal */
export function statusOf(record: DeploymentRecord): StatusUpdate {
  const { phase, status, at, requests } = record;
  return status === 'waiting' ? { phase, status, at, requests } : { phase, status, at };
}

// The pieces the scripts share. KEYS[1] is the record, KEYS[2] its log list.
const GONE = `if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end`;
const UNLESS_ENDED = `local current = redis.call('HGET', KEYS[1], 'status')
if current == 'completed' or current == 'failed' or current == 'stopped' then return 0 end`;
// Appends the line ARGV[line] to the log, counts it, and trims the log to ARGV[capacity].
const append = (line: number, capacity: number): string => `redis.call('RPUSH', KEYS[2], ARGV[${line}])
redis.call('HINCRBY', KEYS[1], 'lines', 1)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[${capacity}]), -1)`;
const script = (name: string, ...parts: string[]) => luaScript(name, 2, parts.join('\n'));

// Applies the k-th committed event of an invocation's run to the record, once: a resumed attempt
// re-emits the events its predecessor already projected, and those are skipped here, so log
// lines and the completion counter are never doubled. Only the deployment's current invocation
// moves its status, and never out of `stopped` (a cancelled run may still be winding down).
// ARGV: invocation, seq, phase, status, at, capacity, attempt, lines...
const PROJECT = script(
  'rxProjectDeployment',
  GONE,
  `local field = 'seq:' .. ARGV[1]
local last = tonumber(redis.call('HGET', KEYS[1], field) or '0')
local seq = tonumber(ARGV[2])
if seq <= last then return 0 end
redis.call('HSET', KEYS[1], field, ARGV[2])
if ARGV[4] ~= '' then
  local current = redis.call('HGET', KEYS[1], 'status')
  if current ~= 'stopped' and redis.call('HGET', KEYS[1], 'invocation') == ARGV[1] then
    redis.call('HSET', KEYS[1], 'phase', ARGV[3], 'status', ARGV[4], 'at', ARGV[5])
    if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'attempt', ARGV[7]) end
    redis.call('HDEL', KEYS[1], 'requests')
    if ARGV[4] == 'completed' then redis.call('HINCRBY', KEYS[1], 'completions', 1) end
  end
end
for i = 8, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
if #ARGV > 7 then redis.call('HINCRBY', KEYS[1], 'lines', #ARGV - 7) end
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[6]), -1)
return 1`,
);

// Ends a run's status (stopped / failed) unless it already ended; logs the line when it does.
// ARGV: status, at, capacity, line, phase-or-empty
const FINISH = script(
  'rxFinishDeployment',
  GONE,
  UNLESS_ENDED,
  `redis.call('HSET', KEYS[1], 'status', ARGV[1], 'at', ARGV[2])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'phase', ARGV[5]) end`,
  append(4, 3),
  'return 1',
);

// A run of the current invocation paused for input: the deployment waits with its requests,
// unless it already ended. ARGV: invocation, phase, at, capacity, requests, line
const WAIT = script(
  'rxWaitDeployment',
  GONE,
  UNLESS_ENDED,
  `if redis.call('HGET', KEYS[1], 'invocation') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', 'waiting', 'phase', ARGV[2], 'at', ARGV[3], 'requests', ARGV[5])`,
  append(6, 4),
  'return 1',
);

// Takes a waiting deployment's answer: it becomes pending under a new invocation (a racing
// respond or stop finds it no longer waiting). ARGV: at, capacity, line
// Returns the new invocation, or the status it had.
const RESPOND = script(
  'rxRespondDeployment',
  `if redis.call('EXISTS', KEYS[1]) == 0 then return 'gone' end
local current = redis.call('HGET', KEYS[1], 'status')
if current ~= 'waiting' then return current end
local n = redis.call('HINCRBY', KEYS[1], 'restarts', 1)
local invocation = redis.call('HGET', KEYS[1], 'id') .. '-r' .. n
redis.call('HSET', KEYS[1], 'status', 'pending', 'at', ARGV[1], 'invocation', invocation)`,
  append(3, 2),
  `return '=' .. invocation`,
);

// Appends one line to a deployment's log (if it still exists). ARGV: capacity, line
const LOG = script('rxLogDeployment', GONE, append(2, 1), 'return 1');

/** @internal Runs the record scripts (each sent once per connection, then by its SHA: see `luaScript`). */
export class RecordScripts {
  constructor(
    readonly redis: Redis,
    private readonly capacity: number,
  ) {}

  project(
    keys: readonly [string, string],
    invocation: string,
    seq: number,
    change: { readonly phase: string; readonly status: string; readonly attempt?: number } | undefined,
    at: number,
    lines: readonly string[],
  ): Promise<unknown> {
    return PROJECT(
      this.redis,
      ...keys,
      invocation,
      String(seq),
      change?.phase ?? '',
      change?.status ?? '',
      String(at),
      String(this.capacity),
      change?.attempt === undefined ? '' : String(change.attempt),
      ...lines,
    );
  }

  finish(
    keys: readonly [string, string],
    status: 'stopped' | 'failed',
    at: number,
    line: string,
    phase?: string,
  ): Promise<unknown> {
    return FINISH(this.redis, ...keys, status, String(at), String(this.capacity), line, phase ?? '');
  }

  wait(
    keys: readonly [string, string],
    invocation: string,
    phase: string,
    at: number,
    requests: readonly PendingRequest[],
    line: string,
  ): Promise<unknown> {
    const args = [invocation, phase, String(at), String(this.capacity), JSON.stringify(requests), line];
    return WAIT(this.redis, ...keys, ...args);
  }

  /** The new invocation (`=<id>`), or the status the deployment had instead of `waiting`. */
  respond(keys: readonly [string, string], at: number, line: string): Promise<string> {
    return RESPOND(this.redis, ...keys, String(at), String(this.capacity), line) as Promise<string>;
  }

  log(keys: readonly [string, string], line: string): Promise<unknown> {
    return LOG(this.redis, ...keys, String(this.capacity), line);
  }
}
