/** `value`, failing the test with `message` where it is undefined: what a test reads next must exist. */
export function defined<T>(value: T | undefined, message: string): T {
  if (value === undefined) throw new Error(message);
  return value;
}
