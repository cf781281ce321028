import { workflowForm } from './internal/workflowForm.js';
import { LoopAgent, type LoopAgentOptions } from './LoopAgent.js';

/**
 * Functional form of {@link LoopAgent}.
 * @example
 * ```ts
 * import { loop } from '@rxagents/core';
 * const refine = loop('refine', [critic, reviser], { maxIterations: 2 });
 * ```
 */
export const loop = workflowForm((options: LoopAgentOptions) => new LoopAgent(options));
