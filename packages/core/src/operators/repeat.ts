import { concat, ignoreElements, takeWhile, timer } from 'rxjs';
import type { AgentOperator } from '../BaseAgent.js';
import { concatLazy } from '../concatLazy.js';
import { InvalidAgentConfigError } from '../errors.js';
import type { InvocationContext } from '../InvocationContext.js';
import { OperatorAgent } from '../internal/OperatorAgent.js';
import { stateView } from '../internal/stateView.js';
import type { State } from '../StateStore.js';

/** Options of {@link repeat}. */
export interface RepeatConfig {
  /** Runs at most, the first included (an integer >= 1); unbounded when absent. */
  readonly count?: number;
  /** Checked after each run on the committed state: stop when it holds. */
  readonly until?: (state: State, ctx: InvocationContext) => boolean;
  /** Wait before each run after the first, in ms of the invocation's scheduler. Default 0. */
  readonly delay?: number;
}

/**
 * Runs the source agent again and again: `count` runs, or until `until` holds after a run, or
 * until an event escalates — the operator form of a `LoopAgent` over one agent. The escalation is
 * consumed here, as a loop would: loops further out carry on. Neither `count` nor `until` means
 * "until an escalation", like a loop without `maxIterations`.
 *
 * @example
 * ```ts
 * import { agent, repeat } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const reviser = agent('reviser', (ctx) => of(ctx.newEvent({ actions: { stateDelta: { approved: true } } })));
 * const polished = reviser.pipe(repeat({ count: 3, until: (s) => s.approved === true }));
 * ```
 * @param config `count` (default unbounded), `until`, `delay` (default 0 ms)
 */
export function repeat(config: number | RepeatConfig = {}): AgentOperator {
  const { count, until, delay = 0 } = typeof config === 'number' ? { count: config } : config;
  return (source) => {
    if (count !== undefined && !(Number.isInteger(count) && count >= 1)) {
      throw new InvalidAgentConfigError(source.name, 'repeat.count', `must be an integer >= 1, got ${count}`);
    }
    if (!(Number.isFinite(delay) && delay >= 0)) {
      throw new InvalidAgentConfigError(source.name, 'repeat.delay', `must be a number >= 0, got ${delay}`);
    }
    const runs = count ?? Number.POSITIVE_INFINITY;
    return new OperatorAgent(source, [], (ctx) =>
      // One flat run over the repetitions (concatLazy): thousands of instant runs do not grow the stack.
      concatLazy((i) => {
        if (i >= runs || (i > 0 && until?.(stateView(ctx.state), ctx) === true)) return undefined;
        const run = source.runAsync(ctx);
        return i === 0 || delay === 0 ? run : concat(timer(delay, ctx.scheduler).pipe(ignoreElements()), run);
      }).pipe(takeWhile((event) => !(event.actions.escalate === true && ctx.consumeEscalation(event)), true)),
    );
  };
}
