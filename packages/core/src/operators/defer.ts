import type { AgentOperator, BaseAgent } from '../BaseAgent.js';
import { concatLazy } from '../concatLazy.js';
import type { InvocationContext } from '../InvocationContext.js';
import { OperatorAgent } from '../internal/OperatorAgent.js';
import { stateView } from '../internal/stateView.js';
import type { State } from '../StateStore.js';

/**
 * After the source agent, asks `choose` which agent to run next, with the state as the source
 * left it — the agent is picked when the step is reached, not when the flow is built. `choose`
 * may return `undefined` to run nothing. `when` and `match` are the declarative forms of this.
 *
 * The chosen agents are not known in advance, so a transfer can reach them only if they are in
 * the agent tree some other way.
 *
 * @example
 * ```ts
 * import { agent, defer, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const planner = agent('planner', (ctx) => of(ctx.newEvent({ actions: { stateDelta: { plan: 'research' } } })));
 * const researcher = agent('researcher', (ctx) => of(ctx.newEvent({ content: text('researcher here') })));
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: text('writer here') })));
 * const flow = planner.pipe(defer((s) => (s.plan === 'research' ? researcher : writer)));
 * ```
 * @param choose called once per run, after the source completed; may throw to fail the run
 */
export function defer(
  choose: (state: State, ctx: InvocationContext) => BaseAgent | undefined,
): AgentOperator {
  return (source) =>
    new OperatorAgent(source, [], (ctx) =>
      concatLazy((i) => {
        if (i === 0) return source.runAsync(ctx);
        if (i > 1) return undefined;
        return choose(stateView(ctx.state), ctx)?.runAsync(ctx);
      }),
    );
}
