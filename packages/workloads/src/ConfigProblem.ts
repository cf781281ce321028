/** One thing wrong with a deployment config: the field at fault and what is wrong. */
export interface ConfigProblem {
  /** e.g. `goal`, `phases[1].name`, `maxAttempts`. */
  readonly field: string;
  readonly message: string;
}
