/**
 * Structural equality for assertion purposes, as `expect(…).toEqual` sees it: plain objects and
 * class instances compare by own enumerable keys (keys holding `undefined` count as absent),
 * arrays element-wise, errors by name and message, dates by time, `NaN` equals `NaN`.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  return equal(a, b, new Map());
}

function equal(a: unknown, b: unknown, seen: Map<object, object>): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  // A pair already being compared is assumed equal (cycles).
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equal(a[i], b[i], seen)) return false;
    return true;
  }
  if (a instanceof Error || b instanceof Error) {
    return a instanceof Error && b instanceof Error && a.name === b.name && a.message === b.message;
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (a instanceof Map || b instanceof Map || a instanceof Set || b instanceof Set) {
    if (Object.prototype.toString.call(a) !== Object.prototype.toString.call(b)) return false;
    return equal([...(a as Iterable<unknown>)], [...(b as Iterable<unknown>)], seen);
  }
  const ka = definedKeys(a);
  const kb = definedKeys(b);
  if (ka.length !== kb.length) return false;
  const rb = b as Record<string, unknown>;
  const ra = a as Record<string, unknown>;
  for (const key of ka) {
    if (!Object.hasOwn(rb, key) || !equal(ra[key], rb[key], seen)) return false;
  }
  return true;
}

function definedKeys(value: object): string[] {
  const record = value as Record<string, unknown>;
  return Object.keys(record).filter((key) => record[key] !== undefined);
}
