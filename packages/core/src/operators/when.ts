import { concat, defer, EMPTY } from 'rxjs';
import type { AgentOperator, BaseAgent } from '../BaseAgent.js';
import type { InvocationContext } from '../InvocationContext.js';
import { OperatorAgent } from '../internal/OperatorAgent.js';
import type { State } from '../StateStore.js';

/**
 * After the source agent, runs `whenTrue` if the predicate holds for the state as the source left
 * it, else `otherwise` (if given).
 * @example
 * ```ts
 * import { when } from '@rxagents/core';
 * const flow = checks.pipe(when((s) => s.tone_check_result === 'negative', storyGenerator));
 * ```
 * @param predicate evaluated after the source completed, on the committed state
 */
export function when(
  predicate: (state: State, ctx: InvocationContext) => boolean,
  whenTrue: BaseAgent,
  otherwise?: BaseAgent,
): AgentOperator {
  const operands = otherwise === undefined ? [whenTrue] : [whenTrue, otherwise];
  return (source) =>
    new OperatorAgent(source, operands, (ctx) =>
      concat(
        source.runAsync(ctx),
        defer(() => {
          if (predicate(ctx.state.snapshot(), ctx)) return whenTrue.runAsync(ctx);
          return otherwise === undefined ? EMPTY : otherwise.runAsync(ctx);
        }),
      ),
    );
}
