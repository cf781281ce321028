import type { AgentOperator, BaseAgent } from '../BaseAgent.js';
import { concatLazy } from '../concatLazy.js';
import { OperatorAgent, requireOption } from '../internal/OperatorAgent.js';

/**
 * Runs `next` after the source agent completes, on the same level of the tree.
 *
 * Named `andThen`, not `then`: a module that exports `then` makes its namespace object a
 * thenable, so a dynamic `import('@rxagents/core')` would never settle.
 *
 * @example
 * ```ts
 * import { agent, andThen, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: text('writer here') })));
 * const critic = agent('critic', (ctx) => of(ctx.newEvent({ content: text('critic here') })));
 * const reviser = agent('reviser', (ctx) => of(ctx.newEvent({ content: text('reviser here') })));
 * const flow = writer.pipe(andThen(critic), andThen(reviser));
 * ```
 */
export function andThen(next: BaseAgent): AgentOperator {
  return (source) => {
    requireOption(source, 'andThen', next, 'agent');
    // `a.pipe(andThen(b), andThen(c), …)` is one flat run over [a, b, c, …], not a nest of
    // operator agents that every event of `a` would have to climb through.
    const steps =
      source instanceof OperatorAgent && source.steps !== undefined
        ? [...source.steps, next]
        : [source, next];
    const [first, ...rest] = steps as [BaseAgent, ...BaseAgent[]];
    return new OperatorAgent(first, rest, (ctx) => concatLazy((i) => steps[i]?.runAsync(ctx)), steps);
  };
}
