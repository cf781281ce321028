// Keys that would reach Object.prototype when a snapshot is materialised or a delta is spread.
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);
const PREFIXES = ['app:', 'user:', 'temp:'] as const;

/**
 * What is wrong with a state key, or undefined when the session can hold it: the one rule the
 * commit applies, for checking a key earlier (an `outputKey` when an agent is built).
 *
 * @example
 * ```ts
 * import { stateKeyProblem } from '@rxagents/core';
 * stateKeyProblem('app:theme'); // undefined
 * stateKeyProblem('__proto__'); // "'__proto__' is reserved and cannot be a state key"
 * ```
 */
export function stateKeyProblem(key: string): string | undefined {
  if (typeof key !== 'string') return 'a state key must be a string';
  if (key.length === 0) return 'a state key must not be empty';
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
  if (bare.length === 0) return 'a scoped key needs a name after its prefix';
  // The reserved names are 9 or 11 characters long: no hash lookup for any other key.
  if ((bare.length === 9 || bare.length === 11) && FORBIDDEN.has(bare))
    return `'${bare}' is reserved and cannot be a state key`;
  return undefined;
}
