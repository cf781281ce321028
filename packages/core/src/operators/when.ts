import type { AgentOperator, BaseAgent } from '../BaseAgent.js';
import { concatLazy } from '../concatLazy.js';
import type { InvocationContext } from '../InvocationContext.js';
import { OperatorAgent, requireOption } from '../internal/OperatorAgent.js';
import { stateView } from '../internal/stateView.js';
import type { State } from '../StateStore.js';

/**
 * After the source agent, runs `whenTrue` if the predicate holds for the state as the source left
 * it, else `otherwise` (if given).
 * @example
 * ```ts
 * import { agent, text, when } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const checks = agent('checks', (ctx) => of(ctx.newEvent({ actions: { stateDelta: { tone_check_result: 'negative' } } })));
 * const storyGenerator = agent('storyGenerator', (ctx) => of(ctx.newEvent({ content: text('storyGenerator here') })));
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
  return (source) => {
    requireOption(source, 'when.predicate', predicate, 'function');
    requireOption(source, 'when.whenTrue', whenTrue, 'agent');
    if (otherwise !== undefined) requireOption(source, 'when.otherwise', otherwise, 'agent');
    return new OperatorAgent(source, operands, (ctx) =>
      // concatLazy, not concat(source, defer(…)): the same order with a third of the subscribers.
      concatLazy((i) => {
        if (i === 0) return source.runAsync(ctx);
        if (i > 1) return undefined;
        if (predicate(stateView(ctx.state), ctx)) return whenTrue.runAsync(ctx);
        return otherwise?.runAsync(ctx);
      }),
    );
  };
}
