import { TestScheduler } from 'rxjs/testing';
import { type AssertDeepEqual, assertDeepEqual } from './assertDeepEqual.js';

/**
 * A `TestScheduler` for hand-written marble tests of agents (`scheduler.run(…)` with
 * `expectObservable`), failing with the readable diff of {@link assertDeepEqual} unless given
 * another comparison.
 *
 * @example
 * ```ts
 * import { sequence } from '@rxagents/core';
 * import { scriptedAgent, testContext, testScheduler } from '@rxagents/testing';
 * import { map } from 'rxjs';
 *
 * const flow = sequence('flow', [scriptedAgent('writer', '--(w|)', { w: 'draft' }), scriptedAgent('critic', '-(c|)', { c: 'ok' })]);
 * const scheduler = testScheduler();
 * scheduler.run(({ expectObservable }) => {
 *   const ctx = testContext({ agent: flow, scheduler });
 *   expectObservable(flow.runAsync(ctx).pipe(map((e) => e.author))).toBe('--w(c|)', { w: 'writer', c: 'critic' });
 * });
 * ```
 * @param assert the comparison, default {@link assertDeepEqual}
 */
export function testScheduler(assert: AssertDeepEqual = assertDeepEqual): TestScheduler {
  return new TestScheduler(assert);
}
