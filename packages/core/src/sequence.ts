import type { BaseAgent, BaseAgentOptions } from './BaseAgent.js';
import { SequentialAgent } from './SequentialAgent.js';

/**
 * Functional form of {@link SequentialAgent}.
 * @example
 * ```ts
 * import { sequence } from '@rxagents/core';
 * const flow = sequence('flow', [writer, critic]);
 * ```
 */
export function sequence(
  name: string,
  subAgents: readonly BaseAgent[],
  options: Omit<BaseAgentOptions, 'name' | 'subAgents'> = {},
): SequentialAgent {
  return new SequentialAgent({ ...options, name, subAgents });
}
