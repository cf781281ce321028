import type { BaseAgent, BaseAgentOptions } from '../BaseAgent.js';

/** The functional form of a workflow agent class: `(name, subAgents, options?) => agent`. */
export function workflowForm<O extends BaseAgentOptions, A extends BaseAgent>(
  make: (options: O) => A,
): (name: string, subAgents: readonly BaseAgent[], options?: Omit<O, 'name' | 'subAgents'>) => A {
  return (name, subAgents, options) => make({ ...options, name, subAgents } as O);
}
