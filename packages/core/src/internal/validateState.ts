import { InvalidStateError } from '../errors.js';
import type { JsonValue } from '../json.js';

// Keys that would reach Object.prototype when a snapshot is materialised or a delta is spread.
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const PREFIXES = ['app:', 'user:', 'temp:'] as const;

/** Checks one state key; throws an {@link InvalidStateError} naming the agent and key. */
export function validateKey(agent: string | undefined, key: string): void {
  if (key.length === 0) throw new InvalidStateError(agent, key, key, 'a state key must not be empty');
  let bare = key;
  // Most keys have no scope prefix: look for one only when there is a colon.
  if (key.indexOf(':') !== -1) {
    for (const prefix of PREFIXES) {
      if (key.startsWith(prefix)) {
        bare = key.slice(prefix.length);
        break;
      }
    }
  }
  if (bare.length === 0)
    throw new InvalidStateError(agent, key, key, 'a scoped key needs a name after its prefix');
  if (FORBIDDEN.has(bare)) {
    throw new InvalidStateError(agent, key, key, `'${bare}' is reserved and cannot be a state key`);
  }
}

/**
 * Checks that a value is JSON-compatible and freezes it deeply in the same pass, so a committed
 * value can be shared between snapshots without copying. Like immer, it freezes in place.
 */
export function validateAndFreeze(agent: string | undefined, key: string, value: unknown): JsonValue {
  // Primitives are the common case: check them without allocating the cycle-tracking set.
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  visit(agent, key, key, value, new Set());
  return value as JsonValue;
}

function visit(
  agent: string | undefined,
  key: string,
  path: string,
  value: unknown,
  seen: Set<object>,
): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value))
        throw new InvalidStateError(agent, key, path, `${value} is not a JSON number`);
      return;
    case 'object':
      break;
    default:
      throw new InvalidStateError(agent, key, path, `a ${typeof value} is not a JSON value`);
  }
  if (value === null) return;
  if (seen.has(value)) throw new InvalidStateError(agent, key, path, 'the value contains a cycle');
  if (Array.isArray(value)) {
    seen.add(value);
    for (let i = 0; i < value.length; i++) visit(agent, key, `${path}[${i}]`, value[i], seen);
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new InvalidStateError(agent, key, path, `a ${kind} instance is not a plain JSON object`);
    }
    seen.add(value);
    for (const k of Object.keys(value)) {
      if (k === '__proto__')
        throw new InvalidStateError(agent, key, `${path}.${k}`, "'__proto__' is reserved");
      visit(agent, key, `${path}.${k}`, (value as Record<string, unknown>)[k], seen);
    }
  }
  // A value reached twice without a cycle (a shared sub-object) is fine: only the active path counts.
  seen.delete(value);
  Object.freeze(value);
}
