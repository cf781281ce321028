/**
 * The one polling loop of the integration tests: calls `probe` until it returns a value other than
 * `undefined` or `false` and resolves with it; rejects after `timeout` ms, saying what was awaited
 * (`what()`, by default the probe's source). A wait on a condition, not a timing assertion: the
 * timeout only bounds a test that would otherwise hang.
 */
export async function eventually<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeout = 10_000,
  what: () => string = () => probe.toString(),
): Promise<T> {
  const deadline = performance.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`not seen within ${timeout} ms: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
