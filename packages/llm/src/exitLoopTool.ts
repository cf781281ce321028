import { of } from 'rxjs';
import type { Tool } from './Tool.js';

const DESCRIPTION = 'Call this function only when you are told to stop the loop (the work is done).';

const tool: Tool = {
  name: 'exit_loop',
  description: DESCRIPTION,
  declaration: {
    name: 'exit_loop',
    description: DESCRIPTION,
    parameters: { type: 'object', properties: {} },
  },
  run: (_args, toolContext) => {
    toolContext.escalate();
    toolContext.skipSummarization();
    return of({});
  },
};

/**
 * ADK's `exit_loop`: a tool that stops the nearest enclosing `LoopAgent`. The function response
 * escalates and skips summarisation, so the agent's turn ends with it.
 *
 * @example
 * ```ts
 * import { LoopAgent } from '@rxagents/core';
 * import { exitLoopTool, LlmAgent, scriptedModel } from '@rxagents/llm';
 * const model = scriptedModel([{ respond: { functionCalls: [{ name: 'exit_loop', args: {} }] } }]);
 * const critic = new LlmAgent({
 *   name: 'critic',
 *   model,
 *   tools: [exitLoopTool],
 *   instruction: 'If {current_story} is good enough, call exit_loop.',
 * });
 * const reviser = new LlmAgent({ name: 'reviser', model, instruction: 'Improve {current_story}.' });
 * const refine = new LoopAgent({ name: 'refine', subAgents: [critic, reviser] });
 * ```
 */
export const exitLoopTool: Tool = Object.freeze(tool);
