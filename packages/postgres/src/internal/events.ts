import { type Event, type JsonValue, STATE_PREFIX, type StateDelta } from '@rxagents/core';

/** A state delta split by where each key is stored. `temp:` keys are in none of them. */
export interface ScopedDelta {
  /** Keys without a scope prefix: the session's own state. */
  readonly own: Record<string, JsonValue>;
  readonly app: Record<string, JsonValue>;
  readonly user: Record<string, JsonValue>;
  /** Every key but the `temp:` ones, as the event is stored (the delta itself when it has none). */
  readonly durable: Readonly<Record<string, JsonValue>>;
  /** Whether any `temp:` key was dropped. */
  readonly hadTemp: boolean;
}

/**
 * Splits a delta by scope. The scoped parts go into `own`/`app`/`user` when given (a batch of
 * appends merges its events' deltas in order, a later key winning, without an object per event
 * and scope); `durable` is the delta itself unless a `temp:` key has to be left out.
 */
export function splitDelta(
  delta: StateDelta,
  own: Record<string, JsonValue> = {},
  app: Record<string, JsonValue> = {},
  user: Record<string, JsonValue> = {},
): ScopedDelta {
  let durable: Record<string, JsonValue> | undefined;
  // Own keys only: the delta was committed (checked plain) first, and this route must not be the
  // one where an inherited key slips into a row.
  const keys = Object.keys(delta);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = delta[key]!;
    if (key.startsWith(STATE_PREFIX.temp)) {
      // The first temp: key: the durable part is a copy of the keys before it, and then the rest.
      durable ??= Object.fromEntries(keys.slice(0, i).map((k) => [k, delta[k]!]));
      continue;
    }
    if (durable !== undefined) durable[key] = value;
    if (key.startsWith(STATE_PREFIX.app)) app[key] = value;
    else if (key.startsWith(STATE_PREFIX.user)) user[key] = value;
    else own[key] = value;
  }
  return {
    own,
    app,
    user,
    durable: durable ?? (delta as Record<string, JsonValue>),
    hadTemp: durable !== undefined,
  };
}

/** The event as it is stored: `temp:` keys never reach the database, not even inside the log. */
export function storedEventJson(event: Event, split: ScopedDelta): string {
  if (!split.hadTemp) return JSON.stringify(event);
  return JSON.stringify({ ...event, actions: { ...event.actions, stateDelta: split.durable } });
}

const OPTIONAL_STRINGS = ['errorCode', 'errorMessage', 'finishReason'] as const;
const OPTIONAL_BOOLEANS = ['partial', 'turnComplete'] as const;

/**
 * Checks that a stored row is an event (the fields the framework reads have the right types) and
 * freezes it deeply, like the events agents produce. Returns a reason when it is not.
 */
export function restoreEvent(value: unknown): Event | string {
  if (!isObject(value)) return 'not an object';
  for (const field of ['id', 'invocationId', 'author', 'branch'] as const) {
    if (typeof value[field] !== 'string') return `'${field}' is not a string`;
  }
  if (typeof value.timestamp !== 'number') return "'timestamp' is not a number";
  for (const field of OPTIONAL_STRINGS) {
    if (value[field] !== undefined && typeof value[field] !== 'string') return `'${field}' is not a string`;
  }
  for (const field of OPTIONAL_BOOLEANS) {
    if (value[field] !== undefined && typeof value[field] !== 'boolean') return `'${field}' is not a boolean`;
  }
  if (value.partial === true) return 'a partial event';
  const actions = value.actions;
  if (!isObject(actions)) return "'actions' is not an object";
  if (!isObject(actions.stateDelta)) return "'actions.stateDelta' is not an object";
  if (value.content !== undefined) {
    if (!isObject(value.content) || !Array.isArray(value.content.parts))
      return "'content.parts' is not an array";
  }
  if (value.stateConflicts !== undefined && !Array.isArray(value.stateConflicts)) {
    return "'stateConflicts' is not an array";
  }
  return deepFreeze(value) as unknown as Event;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze(value: object): object {
  for (const key of Object.keys(value)) {
    const inner = (value as Record<string, unknown>)[key];
    if (typeof inner === 'object' && inner !== null) deepFreeze(inner);
  }
  return Object.freeze(value);
}
