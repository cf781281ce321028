import { EMPTY, type Observable, takeWhile } from 'rxjs';
import { BaseAgent, type BaseAgentOptions } from './BaseAgent.js';
import { concatLazy } from './concatLazy.js';
import type { Event } from './Event.js';
import type { InvocationContext } from './InvocationContext.js';
import { withCount } from './internal/countOption.js';

/** Options of {@link LoopAgent}. */
export interface LoopAgentOptions extends BaseAgentOptions {
  /** Iterations at most (an integer >= 1); loops until an escalation when absent. */
  readonly maxIterations?: number;
}

/**
 * Runs its sub-agents in sequence, again and again, until `maxIterations` or until an event
 * escalates. The escalating event is emitted and the rest of that iteration is cancelled. The
 * escalation is consumed here: loops further out carry on.
 *
 * @example
 * ```ts
 * import { agent, LoopAgent, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const critic = agent('critic', (ctx) => of(ctx.newEvent({ content: text('critic here') })));
 * const reviser = agent('reviser', (ctx) => of(ctx.newEvent({ content: text('reviser here') })));
 * const refine = new LoopAgent({ name: 'refine', subAgents: [critic, reviser], maxIterations: 3 });
 * ```
 * @see loop for the functional form, exitLoop to escalate
 */
export class LoopAgent extends BaseAgent {
  readonly maxIterations: number | undefined;

  constructor(options: LoopAgentOptions) {
    // Checked before super(), so that a rejected agent does not adopt its sub-agents.
    super(withCount(options, 'maxIterations'));
    const { maxIterations } = options;
    this.maxIterations = maxIterations;
  }

  protected runAsyncImpl(ctx: InvocationContext): Observable<Event> {
    // A loop over nothing would spin forever without yielding.
    const subs = this.subAgents;
    const n = subs.length;
    if (n === 0) return EMPTY;
    // One flat run over iterations x sub-agents, so that thousands of instant iterations do not
    // grow the stack (see concatLazy).
    const steps = this.maxIterations === undefined ? Number.POSITIVE_INFINITY : this.maxIterations * n;
    // Each sub-agent's run observable is made once per loop run and subscribed once per iteration
    // (it is cold: every subscription is a run of its own with its own context), not made anew
    // per iteration: W2 0.478 → 0.458 and 0.495 → 0.469 ms (two sets of five alternated processes).
    const runs = subs.map((sub) => sub.runAsync(ctx));
    return concatLazy((i) => (i < steps ? runs[i % n] : undefined)).pipe(
      takeWhile((event) => !(event.actions.escalate === true && ctx.consumeEscalation(event)), true),
    );
  }
}
