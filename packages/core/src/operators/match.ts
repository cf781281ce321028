import { isMatching, type P } from 'ts-pattern';
import type { AgentOperator, BaseAgent } from '../BaseAgent.js';
import { concatLazy } from '../concatLazy.js';
import { OperatorAgent, requireOption } from '../internal/OperatorAgent.js';
import { stateView } from '../internal/stateView.js';
import type { State } from '../StateStore.js';

/** One case of {@link match}: a ts-pattern pattern and the agent to run when it matches. */
export type MatchCase<T> = readonly [pattern: P.Pattern<T>, agent: BaseAgent];

/**
 * After the source agent, selects a value from the state and runs the agent of the first case
 * whose ts-pattern pattern matches it (or `otherwise`).
 * @example
 * ```ts
 * import { agent, match, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * import { P } from 'ts-pattern';
 * const checks = agent('checks', (ctx) => of(ctx.newEvent({ actions: { stateDelta: { tone_check_result: 'negative' } } })));
 * const storyGenerator = agent('storyGenerator', (ctx) => of(ctx.newEvent({ content: text('storyGenerator here') })));
 * const publish = agent('publish', (ctx) => of(ctx.newEvent({ content: text('publish here') })));
 * const flow = checks.pipe(
 *   match((s) => s.tone_check_result, [['negative', storyGenerator], [P.string, publish]]),
 * );
 * ```
 */
export function match<T>(
  selector: (state: State) => T,
  cases: readonly MatchCase<T>[],
  otherwise?: BaseAgent,
): AgentOperator {
  return (source) => {
    requireOption(source, 'match.selector', selector, 'function');
    requireOption(source, 'match.cases', cases, 'array');
    cases.forEach((c, i) => {
      requireOption(source, `match.cases[${i}]`, c, 'array');
      requireOption(source, `match.cases[${i}][1]`, c[1], 'agent');
    });
    if (otherwise !== undefined) requireOption(source, 'match.otherwise', otherwise, 'agent');
    const operands = cases.map(([, agent]) => agent);
    if (otherwise !== undefined) operands.push(otherwise);
    return new OperatorAgent(source, operands, (ctx) =>
      // concatLazy, not concat(source, defer(…)): the same order with a third of the subscribers.
      concatLazy((i) => {
        if (i === 0) return source.runAsync(ctx);
        if (i > 1) return undefined;
        const value = selector(stateView(ctx.state));
        for (const [pattern, agent] of cases) {
          if (isMatching(pattern as never, value)) return agent.runAsync(ctx);
        }
        return otherwise?.runAsync(ctx);
      }),
    );
  };
}
