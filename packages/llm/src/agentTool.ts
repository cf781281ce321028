import {
  type BaseAgent,
  InvocationContext,
  isFinalResponse,
  type JsonValue,
  Session,
  text,
  textOf,
} from '@rxagents/core';
import { defer, filter, map, type Observable, reduce } from 'rxjs';
import { parseOutput } from './internal/outputSchema.js';
import { toJsonResult } from './internal/toJsonResult.js';
import { LlmAgent } from './LlmAgent.js';
import type { Tool, ToolResult } from './Tool.js';

/** Options of {@link agentTool}. */
export interface AgentToolOptions {
  /** Skip summarisation: the calling agent's turn ends with this tool's answer. Default false. */
  readonly skipSummarization?: boolean;
}

// ADK's AgentTool: an LlmAgent with an outputSchema answers with the parsed object (a value
// that is not an object as `{ result }`, as any tool's), any other agent, or no text at all,
// with `{ result: text }`.
function resultOf(agent: BaseAgent, answer: string): ToolResult {
  if (!(agent instanceof LlmAgent) || agent.outputSchema === undefined || answer === '')
    return { result: answer };
  const output = parseOutput(agent.outputSchema, agent.name, answer);
  return 'error' in output ? { error: output.error } : toJsonResult(output.value);
}

/**
 * Runs an agent as a tool (ADK's `AgentTool`): the model sends `{ request }`, the agent runs in a
 * scratch session holding a copy of the current state, and its last final text comes back as
 * `{ result }` — or, when the agent is an `LlmAgent` with an `outputSchema`, the object parsed
 * from it, as ADK's `AgentTool` answers (a text that does not match gives `{ error }`). State
 * keys the agent wrote are forwarded to the caller's state with the function response. The inner
 * run has its own model-call count.
 *
 * @example
 * ```ts
 * import { agentTool, LlmAgent, scriptedModel } from '@rxagents/llm';
 * const model = scriptedModel([{ respond: 'A short answer.' }]);
 * const summariser = new LlmAgent({ name: 'summariser', description: 'Summarises text', model });
 * const writer = new LlmAgent({ name: 'writer', model, tools: [agentTool(summariser)] });
 * ```
 */
export function agentTool(agent: BaseAgent, options: AgentToolOptions = {}): Tool {
  const description = agent.description === '' ? `Runs the agent '${agent.name}'.` : agent.description;
  return {
    name: agent.name,
    description,
    declaration: {
      name: agent.name,
      description,
      parameters: {
        type: 'object',
        properties: { request: { type: 'string', description: 'What to ask the agent' } },
        required: ['request'],
      },
    },
    run: (args, toolContext): Observable<ToolResult> =>
      defer(() => {
        if (options.skipSummarization === true) toolContext.skipSummarization();
        const outer = toolContext.invocation;
        const before = outer.state.snapshot();
        const session = new Session({
          id: `${outer.session.id}/${agent.name}`,
          appName: outer.session.appName,
          userId: outer.session.userId,
          state: before,
        });
        const request = typeof args.request === 'string' ? args.request : JSON.stringify(args);
        const userContent = text(request, 'user');
        const ctx = InvocationContext.create({
          agent,
          session,
          invocationId: outer.invocationId,
          userContent,
          scheduler: outer.scheduler,
          idGenerator: outer.idGenerator,
          runConfig: outer.runConfig,
        });
        session.commit(ctx.newEvent({ author: 'user', branch: '', content: userContent }));
        return agent.runAsync(ctx).pipe(
          filter((event) => isFinalResponse(event) && event.content !== undefined),
          reduce((_answer, event) => textOf(event.content), ''),
          map((answer): ToolResult => {
            const after = session.state.snapshot();
            for (const key of Object.keys(after)) {
              const value = after[key] as JsonValue;
              if (before[key] !== value) toolContext.set(key, value);
            }
            return resultOf(agent, answer);
          }),
        );
      }),
  };
}
