import { defer as deferStream } from 'rxjs';
import type { AgentOperator, BaseAgent } from '../BaseAgent.js';
import { InvalidAgentConfigError } from '../errors.js';
import { ConflictTracker } from '../internal/ConflictTracker.js';
import { mergeBranches } from '../internal/mergeBranches.js';
import { OperatorAgent } from '../internal/OperatorAgent.js';

/**
 * Runs the source agent and `others` concurrently, each on its own branch, with the rules of a
 * `ParallelAgent`: events merged in the order they happen, deltas committed in emission order, a
 * key written by two of them reported as a `stateConflict` on the later event, an escalation that
 * no inner loop consumed stopping the others. Unlike `parallel`, no level is added to the
 * branches: `a.pipe(mergeWith(b))` under `root` emits on `root.a` and `root.b`.
 *
 * @example
 * ```ts
 * import { agent, mergeWith, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const grammarCheck = agent('grammarCheck', (ctx) => of(ctx.newEvent({ content: text('grammarCheck here') })));
 * const toneCheck = agent('toneCheck', (ctx) => of(ctx.newEvent({ content: text('toneCheck here') })));
 * const checks = grammarCheck.pipe(mergeWith(toneCheck));
 * ```
 * @param others agents with names distinct from the source's and from each other's
 */
export function mergeWith(...others: readonly BaseAgent[]): AgentOperator {
  return (source) => {
    const all = [source, ...others];
    const names = new Set<string>();
    for (const agent of all) {
      if (names.has(agent.name)) {
        throw new InvalidAgentConfigError(
          source.name,
          'mergeWith',
          `two agents are named '${agent.name}': they would share a branch`,
        );
      }
      names.add(agent.name);
    }
    return new OperatorAgent(source, others, (ctx) =>
      deferStream(() => {
        // Only the merged agents' branches belong to this run: the caller's other children share
        // the prefix and stay visible to them.
        const tracked = ctx.derive(
          ctx.agent,
          ctx.branch,
          new ConflictTracker(source.name, ctx.branch, 'report', names),
        );
        return mergeBranches(all, (agent) => agent.runAsync(tracked), ctx);
      }),
    );
  };
}
