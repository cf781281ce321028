import { concat } from 'rxjs';
import type { AgentOperator, BaseAgent } from '../BaseAgent.js';
import { OperatorAgent } from '../internal/OperatorAgent.js';

/**
 * Runs `next` after the source agent completes, on the same level of the tree.
 *
 * Named `andThen`, not `then`: a module that exports `then` makes its namespace object a
 * thenable, so a dynamic `import('@rxagents/core')` would never settle.
 *
 * @example
 * ```ts
 * import { andThen } from '@rxagents/core';
 * const flow = writer.pipe(andThen(critic), andThen(reviser));
 * ```
 */
export function andThen(next: BaseAgent): AgentOperator {
  return (source) =>
    new OperatorAgent(source, [next], (ctx) => concat(source.runAsync(ctx), next.runAsync(ctx)));
}
