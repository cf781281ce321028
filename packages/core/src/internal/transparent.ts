// Marks agents made by agent operators: they run in their caller's branch, so that
// `a.pipe(retry(2))` produces exactly the events `a` would, on the same branches.
const TRANSPARENT = new WeakSet<object>();

export function markTransparent(agent: object): void {
  TRANSPARENT.add(agent);
}

export function isTransparent(agent: object): boolean {
  return TRANSPARENT.has(agent);
}
