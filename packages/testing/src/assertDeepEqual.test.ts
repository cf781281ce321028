import { describe, expect, it } from 'vitest';
import { thrownMessage } from '../../../test/support/thrown.js';
import { assertDeepEqual } from './assertDeepEqual.js';

describe('assertDeepEqual', () => {
  it('accepts structurally equal values as toEqual does', () => {
    assertDeepEqual({ a: [1, { b: 'x' }], c: undefined }, { a: [1, { b: 'x' }] });
    assertDeepEqual(Number.NaN, Number.NaN);
    assertDeepEqual(new Error('boom'), new Error('boom'));
    assertDeepEqual(Object.freeze(Object.create(null) as object), {});
    assertDeepEqual(new Map([['k', 1]]), new Map([['k', 1]]));
  });

  it('rejects different values, lengths, error messages and kinds', () => {
    expect(() => assertDeepEqual([1, 2], [1])).toThrow(Error);
    expect(() => assertDeepEqual({ a: 1 }, { a: '1' })).toThrow(Error);
    expect(() => assertDeepEqual(new Error('a'), new Error('b'))).toThrow(Error);
    expect(() => assertDeepEqual(new TypeError('a'), new Error('a'))).toThrow(Error);
    expect(() => assertDeepEqual(null, {})).toThrow(Error);
  });

  it('fails with a line diff, minus for expected and plus for actual', () => {
    expect(thrownMessage(() => assertDeepEqual({ draft: 'v2', n: 1 }, { draft: 'v1', n: 1 }))).toBe(
      "values differ\n\n- expected\n+ actual\n\n- { draft: 'v1', n: 1 }\n+ { draft: 'v2', n: 1 }",
    );
  });

  it('orders the keys of actual like those of expected so that the lines line up', () => {
    const long = 'x'.repeat(100);
    const message = thrownMessage(() => assertDeepEqual({ b: long, a: 1 }, { a: 2, b: long }));
    expect(message).toContain(`  {\n-   a: 2,\n+   a: 1,\n    b: '${long}',\n  }`);
  });

  it('folds long runs of unchanged lines', () => {
    const actual = Array.from({ length: 40 }, (_, i) => ({ i, text: 'y'.repeat(95) }));
    const expected = actual.map((item) => (item.i === 20 ? { ...item, i: -1 } : item));
    const message = thrownMessage(() => assertDeepEqual(actual, expected));
    expect(message).toMatch(/… \d+ unchanged lines/);
    expect(message).toContain('-     i: -1,');
    expect(message).toContain('+     i: 20,');
    expect(message.split('\n').length).toBeLessThan(40);
  });

  it('prints errors, quotes and unusual keys readably', () => {
    const message = thrownMessage(() => assertDeepEqual({ 'app:k': "it's", e: new TypeError('bad') }, {}));
    expect(message).toContain("+ { 'app:k': 'it\\'s', e: TypeError('bad') }");
  });
});
