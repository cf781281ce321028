import { expect } from 'vitest';

/**
 * Asserts that `error` is an instance of `type` and carries `fields`: the two checks every
 * typed-error test makes (the class survives, and so do the code, agent, field and extras).
 * It lives here rather than in `@rxagents/testing` because core's own tests use it and
 * `@rxagents/testing` depends on core; it is also too thin to be worth a public name.
 */
export function expectError(
  error: unknown,
  type: abstract new (...args: never[]) => unknown,
  fields: Record<string, unknown>,
): void {
  expect(error).toBeInstanceOf(type);
  expect(error).toMatchObject(fields);
}
