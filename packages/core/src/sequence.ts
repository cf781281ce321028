import type { BaseAgentOptions } from './BaseAgent.js';
import { workflowForm } from './internal/workflowForm.js';
import { SequentialAgent } from './SequentialAgent.js';

/**
 * Functional form of {@link SequentialAgent}.
 * @example
 * ```ts
 * import { sequence } from '@rxagents/core';
 * const flow = sequence('flow', [writer, critic]);
 * ```
 */
export const sequence = workflowForm((options: BaseAgentOptions) => new SequentialAgent(options));
