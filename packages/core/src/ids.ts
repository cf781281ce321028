/** Produces unique ids for events and invocations; inject one to make ids deterministic. */
export type IdGenerator = () => string;

const PROCESS = Math.random().toString(36).slice(2, 10).padEnd(8, '0');
let generators = 0;

/**
 * The default id generator: a prefix (a random part per process, then the generator's number)
 * and a counter, cheap enough for the event hot path; unique within a process, and across
 * processes with overwhelming probability.
 *
 * @example
 * ```ts
 * import { agent, InMemorySessionService, randomIds, Runner, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 *
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: text('a draft') })));
 * // The default; pass sequentialIds('e') instead for ids a test can assert.
 * const runner = new Runner({ appName: 'stories', agent: writer, sessionService: new InMemorySessionService(), idGenerator: randomIds() });
 * ```
 */
export function randomIds(): IdGenerator {
  // Not a fresh random prefix per generator: a Runner makes a generator per invocation, and
  // formatting a random number in base 36 was a visible share of a small invocation (W4).
  // The dash is part of the prefix: `${prefix}-${n}` would build an intermediate string per id.
  const head = `${PROCESS}${(++generators).toString(36)}-`;
  let n = 0;
  return () => head + (++n).toString(36);
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
