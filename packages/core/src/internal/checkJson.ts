/**
 * Deepest nesting of objects and arrays a committed value may have (state values, function-call
 * arguments, function responses). 64 is far beyond what a real document nests (a model's tool
 * arguments rarely pass 5), and it keeps every recursive reader of committed data (`JSON.stringify`
 * in the history builder, deep equality, a database driver's JSON encoder) far from the stack limit.
 */
export const MAX_JSON_DEPTH = 64;

// One object or array being walked: its own keys (undefined for an array) and the next index.
interface Frame {
  readonly value: object;
  readonly keys: readonly string[] | undefined;
  readonly size: number;
  next: number;
}

/**
 * Checks, without recursion, that a value is JSON: strings, finite numbers, booleans, null, and
 * arrays and plain objects of those, nested at most {@link MAX_JSON_DEPTH} deep, without cycles
 * or `__proto__` keys. With `freeze`, freezes each object and array once checked. Returns
 * undefined, or `[path, reason]` of the first fault (`base` is the path of `value` itself); the
 * path is only built on failure.
 */
export function checkJson(value: unknown, base: string, freeze: boolean): [string, string] | undefined {
  const leaf = checkLeaf(value);
  if (leaf !== undefined) return leaf === '' ? undefined : [base, leaf];
  const frames: Frame[] = [];
  // The objects on the path being walked: a value reached twice without a cycle (a shared
  // sub-object) is fine.
  const active = new Set<object>();
  const fault = enter(frames, active, value as object);
  if (fault !== undefined) return [base, fault];
  while (frames.length > 0) {
    const top = frames[frames.length - 1]!;
    if (top.next === top.size) {
      frames.pop();
      active.delete(top.value);
      if (freeze) Object.freeze(top.value);
      continue;
    }
    const i = top.next++;
    const keys = top.keys;
    let child: unknown;
    if (keys === undefined) child = (top.value as readonly unknown[])[i];
    else {
      if (keys[i] === '__proto__') return [pathOf(frames, base), "'__proto__' is reserved"];
      child = (top.value as Readonly<Record<string, unknown>>)[keys[i]!];
    }
    const reason = checkLeaf(child);
    if (reason === '') continue;
    const inner = reason ?? enter(frames, active, child as object);
    if (inner !== undefined) return [pathOf(frames, base), inner];
  }
  return undefined;
}

// '' for a valid primitive, a reason for an invalid one, undefined for an object to walk.
function checkLeaf(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return '';
    case 'number':
      return Number.isFinite(value) ? '' : `${value} is not a JSON number`;
    case 'object':
      return value === null ? '' : undefined;
    default:
      return `a ${typeof value} is not a JSON value`;
  }
}

// Pushes an object or array to walk; returns a reason when it cannot be.
function enter(frames: Frame[], active: Set<object>, value: object): string | undefined {
  if (active.has(value)) return 'the value contains a cycle';
  if (frames.length === MAX_JSON_DEPTH) return `nested deeper than ${MAX_JSON_DEPTH} levels`;
  let keys: string[] | undefined;
  if (!Array.isArray(value)) {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      return `a ${kind} instance is not a plain JSON object`;
    }
    keys = Object.keys(value);
  }
  active.add(value);
  frames.push({ value, keys, size: keys === undefined ? (value as unknown[]).length : keys.length, next: 0 });
  return undefined;
}

// The path of the child just taken from the top frame.
function pathOf(frames: readonly Frame[], base: string): string {
  let path = base;
  for (const frame of frames) {
    const i = frame.next - 1;
    path += frame.keys === undefined ? `[${i}]` : `.${frame.keys[i]}`;
  }
  return path;
}
