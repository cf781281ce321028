/**
 * The injection token of the `Runner` the controllers serve. An explicit token (`@Inject(RUNNER)`)
 * rather than a constructor type, so the example needs no `emitDecoratorMetadata`.
 *
 * @example
 * ```ts
 * import { RUNNER } from './runnerToken.js';
 * const provider = { provide: RUNNER, useValue: runner };
 * ```
 */
export const RUNNER = Symbol('rxagents.Runner');
