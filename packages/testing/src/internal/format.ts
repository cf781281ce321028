const WIDTH = 100;

/**
 * Prints a value as JavaScript-like text for failure messages: single-quoted strings, unquoted
 * identifier keys, one line when it fits in 100 columns, else one property per line.
 *
 * `like` is the value it will be compared with: a node is laid out on several lines when either
 * side needs it, so that the two printed values line up; with `orderLike`, keys of `value` are
 * also ordered like those of `like`.
 */
export function format(value: unknown, like?: unknown, orderLike = false): string {
  return print(value, like, 0, new Set(), orderLike);
}

function print(value: unknown, like: unknown, indent: number, seen: Set<object>, orderLike: boolean): string {
  const flat = inline(value, orderLike ? like : undefined, seen);
  if (typeof value !== 'object' || value === null) return flat;
  const sameKind = typeof like === 'object' && like !== null && Array.isArray(like) === Array.isArray(value);
  const likeFits = !sameKind || inline(like, undefined, new Set()).length + indent <= WIDTH;
  if (flat.length + indent <= WIDTH && likeFits) return flat;
  if (seen.has(value)) return '[Circular]';
  const pad = '  '.repeat(indent / 2 + 1);
  const end = '  '.repeat(indent / 2);
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const likes = Array.isArray(like) ? like : [];
      const lines = value.map((item, i) => `${pad}${print(item, likes[i], indent + 2, seen, orderLike)},`);
      return `[\n${lines.join('\n')}\n${end}]`;
    }
    const entries = orderedEntries(value, orderLike ? like : undefined);
    const likeRecord = isRecord(like) ? like : {};
    const lines = entries.map(
      ([key, item]) =>
        `${pad}${printKey(key)}: ${print(item, likeRecord[key], indent + 2, seen, orderLike)},`,
    );
    return `${prefixOf(value)}{\n${lines.join('\n')}\n${end}}`;
  } finally {
    seen.delete(value);
  }
}

function inline(value: unknown, like: unknown, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'undefined';
    case 'function':
      return `[Function ${value.name === '' ? '(anonymous)' : value.name}]`;
    case 'symbol':
      return value.toString();
    case 'boolean':
      return String(value);
    default:
      break;
  }
  if (value === null || typeof value !== 'object') return String(value);
  if (seen.has(value)) return '[Circular]';
  if (value instanceof Error) return `${value.name}(${quote(value.message)})`;
  if (value instanceof Date) return `Date(${value.toISOString()})`;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const likes = Array.isArray(like) ? like : [];
      return `[${value.map((item, i) => inline(item, likes[i], seen)).join(', ')}]`;
    }
    const likeRecord = isRecord(like) ? like : {};
    const entries = orderedEntries(value, like).map(
      ([key, item]) => `${printKey(key)}: ${inline(item, likeRecord[key], seen)}`,
    );
    return entries.length === 0 ? `${prefixOf(value)}{}` : `${prefixOf(value)}{ ${entries.join(', ')} }`;
  } finally {
    seen.delete(value);
  }
}

function orderedEntries(value: object, like: unknown): [string, unknown][] {
  const source: Iterable<[unknown, unknown]> | undefined =
    value instanceof Map ? value.entries() : value instanceof Set ? [...value].entries() : undefined;
  if (source !== undefined) return [...source].map(([k, v]) => [String(k), v]);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((key) => record[key] !== undefined);
  if (!isRecord(like)) return keys.map((key) => [key, record[key]]);
  const order = Object.keys(like);
  const rank = (key: string): number => {
    const i = order.indexOf(key);
    return i === -1 ? order.length : i;
  };
  return keys
    .map((key, i) => ({ key, i }))
    .sort((x, y) => rank(x.key) - rank(y.key) || x.i - y.i)
    .map(({ key }) => [key, record[key]]);
}

function prefixOf(value: object): string {
  if (value instanceof Map) return 'Map ';
  if (value instanceof Set) return 'Set ';
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return '';
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? `${name} ` : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function printKey(key: string): string {
  return IDENTIFIER.test(key) ? key : quote(key);
}

function quote(text: string): string {
  return `'${JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}
