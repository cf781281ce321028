import { defer, type Observable } from 'rxjs';
import { BaseAgent, type BaseAgentOptions } from './BaseAgent.js';
import type { Event } from './Event.js';
import type { InvocationContext } from './InvocationContext.js';
import { type ConflictPolicy, ConflictTracker } from './internal/ConflictTracker.js';
import { withCount } from './internal/countOption.js';
import { mergeBranches } from './internal/mergeBranches.js';

/** Options of {@link ParallelAgent}. */
export interface ParallelAgentOptions extends BaseAgentOptions {
  /** Most branches running at once; all of them when absent. */
  readonly concurrency?: number;
  /**
   * When two branches write the same key in one run, the later write wins and the event reports
   * `stateConflicts` (`'report'`, default), or the run fails with a `StateConflictError` (`'error'`).
   */
  readonly onConflict?: ConflictPolicy;
}

/**
 * Runs its sub-agents concurrently, each on its own branch, and merges their events in the order
 * they happen (virtual time under a TestScheduler). An escalation that no inner loop consumed
 * stops the other branches and ends the parallel run.
 *
 * @example
 * ```ts
 * import { agent, ParallelAgent, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const grammar = agent('grammar', (ctx) => of(ctx.newEvent({ content: text('grammar here') })));
 * const tone = agent('tone', (ctx) => of(ctx.newEvent({ content: text('tone here') })));
 * const checks = new ParallelAgent({ name: 'checks', subAgents: [grammar, tone], concurrency: 2 });
 * ```
 * @see parallel for the functional form
 */
export class ParallelAgent extends BaseAgent {
  readonly concurrency: number | undefined;
  readonly onConflict: ConflictPolicy;

  constructor(options: ParallelAgentOptions) {
    // Checked before super(), so that a rejected agent does not adopt its sub-agents.
    super(withCount(options, 'concurrency'));
    const { concurrency } = options;
    this.concurrency = concurrency;
    this.onConflict = options.onConflict ?? 'report';
  }

  protected runAsyncImpl(ctx: InvocationContext): Observable<Event> {
    // A tracker per subscription, so that a retried or repeated run starts clean.
    return defer(() => {
      const tracked = ctx.derive(
        this,
        ctx.branch,
        new ConflictTracker(this.name, ctx.branch, this.onConflict),
      );
      return mergeBranches(this.subAgents, (sub) => sub.runAsync(tracked), ctx, this.concurrency);
    });
  }
}
