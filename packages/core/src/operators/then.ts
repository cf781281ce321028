import { concat } from 'rxjs';
import type { AgentOperator, BaseAgent } from '../BaseAgent.js';
import { OperatorAgent } from '../internal/OperatorAgent.js';

/**
 * Runs `next` after the source agent completes, on the same level of the tree.
 * @example
 * ```ts
 * import { then } from '@rxagents/core';
 * const flow = writer.pipe(then(critic), then(reviser));
 * ```
 */
export function then(next: BaseAgent): AgentOperator {
  return (source) =>
    new OperatorAgent(source, [next], (ctx) => concat(source.runAsync(ctx), next.runAsync(ctx)));
}
