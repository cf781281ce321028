import { type BaseAgent, type Event, InvalidAgentConfigError, type InvocationContext } from '@rxagents/core';
import { defaultIfEmpty, forkJoin, map, type Observable, take } from 'rxjs';
import type { LlmAgent } from '../LlmAgent.js';
import type { LlmRequest, ToolDeclaration } from '../Model.js';
import type { Tool } from '../Tool.js';
import { TRANSFER_TO_AGENT, transferToAgentTool } from '../transferToAgentTool.js';
import { buildContents, type RunHistory } from './history.js';
import { fillInstruction } from './instructionTemplate.js';

// The request processors of ADK's LLM flow (basic, instructions, contents, agent transfer), as
// plain functions of the agent and the invocation: what one model call is asked.

// An object filled in field by field before it is handed on as its readonly type.
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Two tools of one agent may not share a name: the model could not tell them apart. */
export function uniqueNames(agent: string, tools: readonly Tool[]): void {
  const names = new Set<string>();
  for (const tool of tools) {
    if (names.has(tool.name))
      throw new InvalidAgentConfigError(agent, 'tools', `two tools are named '${tool.name}'`);
    names.add(tool.name);
  }
}

/**
 * The tools of the agent's toolsets with its own, asked afresh for every model call so that a
 * changed tool list is seen next time.
 */
export function listTools(agent: LlmAgent, ctx: InvocationContext): Observable<readonly Tool[]> {
  return forkJoin(
    agent.toolsets.map((toolset) =>
      toolset.tools$(ctx).pipe(take(1), defaultIfEmpty<readonly Tool[], readonly Tool[]>([])),
    ),
  ).pipe(
    map((lists) => {
      const tools = [...agent.tools, ...lists.flat()];
      uniqueNames(agent.name, tools);
      return tools;
    }),
  );
}

/** The tools offered to one model call, by name, with `transfer_to_agent` when there are targets. */
export function toolsFor(list: readonly Tool[], targets: readonly BaseAgent[]): ReadonlyMap<string, Tool> {
  const tools = new Map<string, Tool>();
  for (const tool of list) tools.set(tool.name, tool);
  if (targets.length > 0 && !tools.has(TRANSFER_TO_AGENT)) {
    tools.set(TRANSFER_TO_AGENT, transferToAgentTool(targets));
  }
  return tools;
}

function systemInstruction(
  agent: LlmAgent,
  ctx: InvocationContext,
  targets: readonly BaseAgent[],
): string | undefined {
  const instruction = agent.instruction;
  const system =
    instruction === undefined
      ? undefined
      : typeof instruction === 'function'
        ? instruction(ctx)
        : fillInstruction(instruction, ctx.state, agent.name);
  const transfer = transferInstruction(targets);
  if (transfer === undefined) return system;
  return system === undefined ? transfer : `${system}\n\n${transfer}`;
}

// ADK's agent-transfer processor: the agents the model may hand over to, and how.
function transferInstruction(targets: readonly BaseAgent[]): string | undefined {
  if (targets.length === 0) return undefined;
  const lines = targets.map(
    (target) => `Agent name: ${target.name}\nAgent description: ${target.description}`,
  );
  return (
    `You have a list of other agents to transfer to:\n\n${lines.join('\n\n')}\n\n` +
    'If you are the best to answer the question according to your description, answer it.\n' +
    `If another agent is better suited, call the \`${TRANSFER_TO_AGENT}\` function to transfer to it.`
  );
}

/** What one model call is offered: its tools by name and the agents it may transfer to. */
export interface Offer {
  readonly tools: ReadonlyMap<string, Tool>;
  readonly targets: readonly BaseAgent[];
}

/**
 * The request of one model call: instruction, visible history (continued from `history`, the
 * run's conversation so far, when the agent sends the whole history), tools, schema and settings.
 */
export function buildRequest(
  agent: LlmAgent,
  ctx: InvocationContext,
  offer: Offer,
  history: RunHistory | undefined,
): LlmRequest {
  const system = systemInstruction(agent, ctx, offer.targets);
  const events = ctx.session.events;
  const canSee = (event: Event) => ctx.canSee(event);
  // Field by field, not conditional spreads: see responseEvent.
  const request: Mutable<LlmRequest> = {
    agentName: agent.name,
    contents:
      history === undefined
        ? buildContents(events, canSee, agent.name, agent.includeContents)
        : history.contentsOf(events, canSee, agent.name),
  };
  if (system !== undefined) request.systemInstruction = system;
  if (offer.tools.size > 0) request.tools = declarations(offer.tools);
  if (agent.responseSchema !== undefined) request.responseSchema = agent.responseSchema;
  if (agent.generateContentConfig !== undefined) request.config = agent.generateContentConfig;
  return request;
}

function declarations(tools: ReadonlyMap<string, Tool>): ToolDeclaration[] {
  const list: ToolDeclaration[] = [];
  for (const tool of tools.values()) list.push(tool.declaration);
  return list;
}
