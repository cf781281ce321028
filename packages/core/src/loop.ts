import { workflowForm } from './internal/workflowForm.js';
import { LoopAgent, type LoopAgentOptions } from './LoopAgent.js';

/**
 * Functional form of {@link LoopAgent}.
 * @example
 * ```ts
 * import { agent, loop, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const critic = agent('critic', (ctx) => of(ctx.newEvent({ content: text('critic here') })));
 * const reviser = agent('reviser', (ctx) => of(ctx.newEvent({ content: text('reviser here') })));
 * const refine = loop('refine', [critic, reviser], { maxIterations: 2 });
 * ```
 */
export const loop = workflowForm((options: LoopAgentOptions) => new LoopAgent(options));
