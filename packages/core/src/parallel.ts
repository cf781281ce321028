import { workflowForm } from './internal/workflowForm.js';
import { ParallelAgent, type ParallelAgentOptions } from './ParallelAgent.js';

/**
 * Functional form of {@link ParallelAgent}.
 * @example
 * ```ts
 * import { parallel } from '@rxagents/core';
 * const checks = parallel('checks', [grammar, tone], { concurrency: 2 });
 * ```
 */
export const parallel = workflowForm((options: ParallelAgentOptions) => new ParallelAgent(options));
