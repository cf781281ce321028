import { deepEqual } from './internal/deepEqual.js';
import { format } from './internal/format.js';
import { lineDiff, renderDiff } from './internal/lineDiff.js';

/**
 * Compares two values and throws when they differ, like `TestScheduler`'s constructor argument.
 * Pass your runner's own (`(actual, expected) => expect(actual).toEqual(expected)`) to get its
 * diff, or keep {@link assertDeepEqual}, which needs no test runner.
 *
 * @example
 * ```ts
 * import { expectAgent, type AssertDeepEqual } from '@rxagents/testing';
 * const vitestEqual: AssertDeepEqual = (actual, expected) => expect(actual).toEqual(expected);
 * expectAgent(flow, { assertDeepEqual: vitestEqual }).toEmit('--a|', values);
 * ```
 */
export type AssertDeepEqual = (actual: unknown, expected: unknown) => void;

/**
 * The default {@link AssertDeepEqual}: structural equality as `toEqual` sees it (keys holding
 * `undefined` count as absent, errors compare by name and message), and on failure an `Error`
 * whose message is a line diff of the two values (`-` expected, `+` actual).
 *
 * Works in any runner and in the browser; the helpers of this package use it unless given
 * another.
 *
 * @example
 * ```ts
 * import { assertDeepEqual } from '@rxagents/testing';
 * assertDeepEqual({ draft: 'v2' }, { draft: 'v1' });
 * // Error: values differ
 * //
 * // - expected
 * // + actual
 * //
 * // - { draft: 'v1' }
 * // + { draft: 'v2' }
 * ```
 * @param actual what the code under test produced
 * @param expected what the test expects
 */
export const assertDeepEqual: AssertDeepEqual = (actual, expected) => {
  if (deepEqual(actual, expected)) return;
  throw new Error(`values differ\n\n${describeDifference(actual, expected)}`);
};

/** @internal the `- expected / + actual` line diff of two values. */
export function describeDifference(actual: unknown, expected: unknown): string {
  const expectedLines = format(expected, actual).split('\n');
  const actualLines = format(actual, expected, true).split('\n');
  return `- expected\n+ actual\n\n${renderDiff(lineDiff(expectedLines, actualLines))}`;
}
