import type { BaseAgent } from './BaseAgent.js';
import { ParallelAgent, type ParallelAgentOptions } from './ParallelAgent.js';

/**
 * Functional form of {@link ParallelAgent}.
 * @example
 * ```ts
 * import { parallel } from '@rxagents/core';
 * const checks = parallel('checks', [grammar, tone], { concurrency: 2 });
 * ```
 */
export function parallel(
  name: string,
  subAgents: readonly BaseAgent[],
  options: Omit<ParallelAgentOptions, 'name' | 'subAgents'> = {},
): ParallelAgent {
  return new ParallelAgent({ ...options, name, subAgents });
}
