import type { BaseAgent, BaseAgentOptions } from './BaseAgent.js';
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
export function sequence(
  name: string,
  subAgents: readonly BaseAgent[],
  options: Omit<BaseAgentOptions, 'name' | 'subAgents'> = {},
): SequentialAgent {
  return new SequentialAgent({ ...options, name, subAgents });
}
