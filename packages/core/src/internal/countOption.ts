import { InvalidAgentConfigError } from '../errors.js';

/**
 * Checks a workflow agent's optional count (`maxIterations`, `concurrency`: an integer >= 1) and
 * returns the options: called in the argument of `super()`, so that a rejected agent does not
 * adopt its sub-agents.
 */
export function withCount<O extends { readonly name: string }>(options: O, field: keyof O & string): O {
  const value = options[field];
  if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 1)) {
    throw new InvalidAgentConfigError(
      String(options.name),
      field,
      `must be an integer >= 1, got ${String(value)}`,
    );
  }
  return options;
}
