import type { BaseAgent } from '@rxagents/core';
import { of } from 'rxjs';
import type { Tool } from './Tool.js';

/**
 * Name of the tool an `LlmAgent` gets when it has agents to transfer to (ADK's `transfer_to_agent`).
 *
 * @example
 * ```ts
 * import { type Event, isFunctionCallPart } from '@rxagents/core';
 * import { TRANSFER_TO_AGENT } from '@rxagents/llm';
 *
 * // Whether the model handed the conversation to another agent in this event.
 * const transfers = (event: Event) =>
 *   (event.content?.parts ?? []).some((part) => isFunctionCallPart(part) && part.functionCall.name === TRANSFER_TO_AGENT);
 * ```
 */
export const TRANSFER_TO_AGENT = 'transfer_to_agent';

/**
 * ADK's `transfer_to_agent`, restricted to the given targets: an unknown name gets an
 * `{ error }` response listing the valid ones instead of failing the run. `LlmAgent` adds it by
 * itself when it has sub-agents (or an `LlmAgent` parent / peers it may transfer to).
 *
 * @example
 * ```ts
 * import { LlmAgent, scriptedModel, transferToAgentTool } from '@rxagents/llm';
 * const model = scriptedModel([{ respond: 'How can I help?' }]);
 * const billing = new LlmAgent({ name: 'billing', description: 'Invoices and payments', model });
 * const support = new LlmAgent({ name: 'support', description: 'Technical problems', model });
 * const tool = transferToAgentTool([billing, support]);
 * ```
 */
export function transferToAgentTool(targets: readonly BaseAgent[]): Tool {
  const names = targets.map((agent) => agent.name);
  const description =
    'Transfer the question to another agent when it is better suited to answer it. ' +
    `agent_name must be one of: ${names.join(', ')}.`;
  return {
    name: TRANSFER_TO_AGENT,
    description,
    declaration: {
      name: TRANSFER_TO_AGENT,
      description,
      parameters: {
        type: 'object',
        properties: { agent_name: { type: 'string', enum: names } },
        required: ['agent_name'],
      },
    },
    run: (args, toolContext) => {
      const target = args.agent_name;
      if (typeof target !== 'string' || !names.includes(target)) {
        return of({ error: `Unknown agent '${String(target)}'; transfer to one of: ${names.join(', ')}` });
      }
      toolContext.transferToAgent(target);
      return of({});
    },
  };
}
