/** Produces unique ids for events and invocations; inject one to make ids deterministic. */
export type IdGenerator = () => string;

/**
 * The default id generator: a random prefix per generator and a counter, cheap enough for the
 * event hot path and unique across generators with overwhelming probability.
 */
export function randomIds(): IdGenerator {
  const prefix = Math.random().toString(36).slice(2, 10);
  let n = 0;
  return () => `${prefix}-${(++n).toString(36)}`;
}

/**
 * Deterministic ids `prefix1`, `prefix2`, … for tests and replays.
 *
 * @example
 * ```ts
 * import { sequentialIds } from '@rxagents/core';
 * const next = sequentialIds('e');
 * next(); // 'e1'
 * ```
 */
export function sequentialIds(prefix = 'id'): IdGenerator {
  let n = 0;
  return () => `${prefix}${++n}`;
}
