import { type BaseAgent, type Event, InvalidAgentConfigError, type InvocationContext } from '@rxagents/core';
import { defaultIfEmpty, forkJoin, map, type Observable, take } from 'rxjs';
import type { LlmAgent } from '../LlmAgent.js';
import type { LlmRequest, ToolDeclaration } from '../Model.js';
import type { Tool } from '../Tool.js';
import { TRANSFER_TO_AGENT, transferToAgentTool } from '../transferToAgentTool.js';
import { buildContents, type RunHistory } from './history.js';

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
function toolsFor(list: readonly Tool[], targets: readonly BaseAgent[]): ReadonlyMap<string, Tool> {
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
    typeof instruction === 'function'
      ? instruction(ctx)
      : agent.instructionTemplate?.fill(ctx.state, agent.name);
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
  /** The declarations of `tools` as the request sends them (none when there are no tools); frozen. */
  readonly declarations: readonly ToolDeclaration[] | undefined;
}

/** The offer of one model call over these tools (the agent's own and its toolsets'). */
export function offerOf(agent: LlmAgent, list: readonly Tool[]): Offer {
  const targets = agent.transferTargets;
  const tools = toolsFor(list, targets);
  return { tools, targets, declarations: tools.size === 0 ? undefined : declarations(tools) };
}

// Why kept per agent: an agent without toolsets offers the same tools and targets to every call
// (its parent is set once, when a parent adopts it: the key), and the targets, the map and the
// declarations were made afresh per call. Part of the −22% (4.77M → 3.70M instructions per run,
// bench/src/count.ts w4llm) of this round's llm changes on W4 storyflow-llm; not measured alone.
const fixedOffers = new WeakMap<
  LlmAgent,
  { readonly parent: BaseAgent | undefined; readonly offer: Offer }
>();

/** The offer of every model call of an agent without toolsets: its own tools and targets. */
export function fixedOffer(agent: LlmAgent): Offer {
  const parent = agent.parentAgent;
  const kept = fixedOffers.get(agent);
  if (kept !== undefined && kept.parent === parent) return kept.offer;
  const offer = offerOf(agent, agent.tools);
  fixedOffers.set(agent, { parent, offer });
  return offer;
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
  if (offer.declarations !== undefined) request.tools = offer.declarations;
  if (agent.responseSchema !== undefined) request.responseSchema = agent.responseSchema;
  if (agent.generateContentConfig !== undefined) request.config = agent.generateContentConfig;
  return request;
}

function declarations(tools: ReadonlyMap<string, Tool>): readonly ToolDeclaration[] {
  const list: ToolDeclaration[] = [];
  for (const tool of tools.values()) list.push(tool.declaration);
  return Object.freeze(list);
}
