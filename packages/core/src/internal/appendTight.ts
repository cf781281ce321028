// How long an array is copied rather than pushed onto (see appendTight).
const TIGHT = 8;

/**
 * @internal `array` with `item` appended: while `array` is short, a new array of exactly the new
 * length; past that, `array` itself, pushed onto. Why: a push onto a full array grows it by half
 * plus 16 slots, so the first push onto an empty one reserves 17 slots (a 152 B backing store)
 * for what is, in most sessions held in memory, one or two items; W5 (many idle sessions): the
 * event log and the state's version list took 368 B of every session, 120 B once tight. The copy
 * is a loop into `new Array(n)` (exact, not packed, which costs reads nothing measurable): about
 * a push's time at these lengths, where `concat` took 3–5 times as long.
 */
export function appendTight<T>(array: T[], item: T): T[] {
  const n = array.length;
  if (n >= TIGHT) {
    array.push(item);
    return array;
  }
  const out = new Array<T>(n + 1);
  for (let i = 0; i < n; i++) out[i] = array[i]!;
  out[n] = item;
  return out;
}
