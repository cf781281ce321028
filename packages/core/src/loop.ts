import type { BaseAgent } from './BaseAgent.js';
import { LoopAgent, type LoopAgentOptions } from './LoopAgent.js';

/**
 * Functional form of {@link LoopAgent}.
 * @example
 * ```ts
 * import { loop } from '@rxagents/core';
 * const refine = loop('refine', [critic, reviser], { maxIterations: 2 });
 * ```
 */
export function loop(
  name: string,
  subAgents: readonly BaseAgent[],
  options: Omit<LoopAgentOptions, 'name' | 'subAgents'> = {},
): LoopAgent {
  return new LoopAgent({ ...options, name, subAgents });
}
