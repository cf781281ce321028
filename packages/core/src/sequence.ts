import type { BaseAgentOptions } from './BaseAgent.js';
import { workflowForm } from './internal/workflowForm.js';
import { SequentialAgent } from './SequentialAgent.js';

/**
 * Functional form of {@link SequentialAgent}.
 * @example
 * ```ts
 * import { agent, sequence, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: text('writer here') })));
 * const critic = agent('critic', (ctx) => of(ctx.newEvent({ content: text('critic here') })));
 * const flow = sequence('flow', [writer, critic]);
 * ```
 */
export const sequence = workflowForm((options: BaseAgentOptions) => new SequentialAgent(options));
