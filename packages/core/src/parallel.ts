import { workflowForm } from './internal/workflowForm.js';
import { ParallelAgent, type ParallelAgentOptions } from './ParallelAgent.js';

/**
 * Functional form of {@link ParallelAgent}.
 * @example
 * ```ts
 * import { agent, parallel, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const grammar = agent('grammar', (ctx) => of(ctx.newEvent({ content: text('grammar here') })));
 * const tone = agent('tone', (ctx) => of(ctx.newEvent({ content: text('tone here') })));
 * const checks = parallel('checks', [grammar, tone], { concurrency: 2 });
 * ```
 */
export const parallel = workflowForm((options: ParallelAgentOptions) => new ParallelAgent(options));
