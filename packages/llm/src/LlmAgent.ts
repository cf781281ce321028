import {
  AgentNotFoundError,
  BaseAgent,
  type BaseAgentOptions,
  concatLazy,
  type Event,
  InvalidAgentConfigError,
  type InvocationContext,
  isFinalResponse,
  type JsonObject,
  stateKeyProblem,
} from '@rxagents/core';
import { type Observable, tap, throwError } from 'rxjs';
import { list, type OneOrMany } from './internal/callbacks.js';
import { historyOf } from './internal/history.js';
import { checkInstruction, InstructionTemplate } from './internal/instructionTemplate.js';
import { modelTurn, NO_TOOLS, type TurnRecord, turnTools } from './internal/modelTurn.js';
import { uniqueNames } from './internal/requestBuild.js';
import { type ZodSchema, zodJsonSchema } from './internal/zodSchema.js';
import type {
  AfterModelCallback,
  AfterToolCallback,
  BeforeModelCallback,
  BeforeToolCallback,
} from './llmCallbacks.js';
import type { LlmRequest, Model } from './Model.js';
import type { Tool } from './Tool.js';
import { isToolset, type Toolset } from './Toolset.js';

/** A system instruction: a template with `{key}` / `{key?}` placeholders, or a function of the context. */
export type Instruction = string | ((ctx: InvocationContext) => string);

/** Options of {@link LlmAgent}. */
export interface LlmAgentOptions extends BaseAgentOptions {
  readonly model: Model;
  /**
   * System instruction; in a string, `{key}` (or `{ key }`, as in ADK) is filled from state
   * (missing → error), `{key?}` may be absent; `{artifact.…}` is refused when the agent is built.
   */
  readonly instruction?: Instruction;
  /** State key that receives the final text (or, with `outputSchema`, the parsed object). */
  readonly outputKey?: string;
  /**
   * zod 4 schema (zod 3.25+: from `zod/v4`) the final text must satisfy, as JSON. A mismatch yields an event with
   * `errorCode: 'OUTPUT_SCHEMA_MISMATCH'` and no state change; the run goes on.
   */
  readonly outputSchema?: ZodSchema;
  /**
   * `'default'`: the visible session history; `'none'`: only the current turn, from the last event
   * the user or another agent wrote (no history when there is none). Default `'default'`.
   */
  readonly includeContents?: 'default' | 'none';
  /** Tools, and toolsets whose tools are listed before each model call (e.g. an MCP server's). */
  readonly tools?: readonly (Tool | Toolset)[];
  /** Ask the model to stream: partial events (`partial: true`) precede each complete one. Default false. */
  readonly stream?: boolean;
  /** Sampling settings passed to the model. */
  readonly generateContentConfig?: LlmRequest['config'];
  /** Do not offer a transfer to the parent `LlmAgent`. Default false. */
  readonly disallowTransferToParent?: boolean;
  /** Do not offer transfers to sibling agents under an `LlmAgent` parent. Default false. */
  readonly disallowTransferToPeers?: boolean;
  readonly beforeModelCallback?: OneOrMany<BeforeModelCallback>;
  readonly afterModelCallback?: OneOrMany<AfterModelCallback>;
  readonly beforeToolCallback?: OneOrMany<BeforeToolCallback>;
  readonly afterToolCallback?: OneOrMany<AfterToolCallback>;
}

/**
 * An agent backed by a language model (ADK's `LlmAgent`): it templates its instruction from
 * state, sends the visible conversation to its model, runs the tools the model calls (in
 * parallel, answering in one event), loops until the model gives a final answer, writes it to
 * `outputKey`, and hands over to another agent when the model calls `transfer_to_agent`.
 *
 * Each model call is counted against `runConfig.maxLlmCalls` ({@link LlmCallsLimitExceededError}).
 * Unsubscribing aborts the in-flight model request and tool calls (`AbortSignal`).
 *
 * @example
 * ```ts
 * import { LlmAgent, scriptedModel } from '@rxagents/llm';
 * const model = scriptedModel([{ agent: 'story_generator', respond: 'A fox found a lantern.' }]);
 * const storyGenerator = new LlmAgent({
 *   name: 'story_generator',
 *   model,
 *   instruction: 'Write a short story about {topic}.',
 *   outputKey: 'current_story',
 * });
 * ```
 * @see functionTool, agentTool, scriptedModel
 */
export class LlmAgent extends BaseAgent {
  readonly model: Model;
  readonly instruction: Instruction | undefined;
  readonly outputKey: string | undefined;
  readonly outputSchema: ZodSchema | undefined;
  readonly includeContents: 'default' | 'none';
  /** The plain tools; see `toolsets` for the others. */
  readonly tools: readonly Tool[];
  readonly toolsets: readonly Toolset[];
  readonly stream: boolean;
  readonly generateContentConfig: LlmRequest['config'] | undefined;
  readonly disallowTransferToParent: boolean;
  readonly disallowTransferToPeers: boolean;
  readonly beforeModelCallbacks: readonly BeforeModelCallback[];
  readonly afterModelCallbacks: readonly AfterModelCallback[];
  readonly beforeToolCallbacks: readonly BeforeToolCallback[];
  readonly afterToolCallbacks: readonly AfterToolCallback[];
  /** The JSON Schema of `outputSchema`, made once and sent with every model call. */
  readonly responseSchema: JsonObject | undefined;
  /** @internal a string `instruction` cut at its placeholders, once */
  readonly instructionTemplate: InstructionTemplate | undefined;

  constructor(options: LlmAgentOptions) {
    super(options);
    const model: unknown = options.model;
    if (typeof model !== 'object' || model === null || typeof (model as Model).generate !== 'function') {
      throw new InvalidAgentConfigError(this.name, 'model', 'a Model (with a generate method) is required');
    }
    // Checked now rather than at the first reply: the commit would reject it after the model call.
    const outputKeyProblem = options.outputKey === undefined ? undefined : stateKeyProblem(options.outputKey);
    if (outputKeyProblem !== undefined)
      throw new InvalidAgentConfigError(this.name, 'outputKey', outputKeyProblem);
    if (typeof options.instruction === 'string') checkInstruction(options.instruction, this.name);
    this.instructionTemplate =
      typeof options.instruction === 'string' ? new InstructionTemplate(options.instruction) : undefined;
    const tools: Tool[] = [];
    const toolsets: Toolset[] = [];
    for (const entry of options.tools ?? []) {
      if (isToolset(entry)) toolsets.push(entry);
      else tools.push(entry);
    }
    uniqueNames(this.name, tools);
    this.model = options.model;
    this.instruction = options.instruction;
    this.outputKey = options.outputKey;
    this.outputSchema = options.outputSchema;
    this.includeContents = options.includeContents ?? 'default';
    this.tools = Object.freeze(tools);
    this.toolsets = Object.freeze(toolsets);
    this.stream = options.stream ?? false;
    this.generateContentConfig = options.generateContentConfig;
    this.disallowTransferToParent = options.disallowTransferToParent ?? false;
    this.disallowTransferToPeers = options.disallowTransferToPeers ?? false;
    this.beforeModelCallbacks = list(options.beforeModelCallback);
    this.afterModelCallbacks = list(options.afterModelCallback);
    this.beforeToolCallbacks = list(options.beforeToolCallback);
    this.afterToolCallbacks = list(options.afterToolCallback);
    this.responseSchema =
      options.outputSchema === undefined
        ? undefined
        : zodJsonSchema(options.outputSchema, this.name, 'outputSchema');
  }

  /** The Runner may give this agent the next message after a transfer, unless it may not transfer back up. */
  override acceptsFollowUp(): boolean {
    return !this.disallowTransferToParent;
  }

  /** Agents this one may transfer to: its sub-agents, then (under an `LlmAgent` parent) parent and peers. */
  get transferTargets(): readonly BaseAgent[] {
    const targets: BaseAgent[] = [...this.subAgents];
    const parent = this.parentAgent;
    if (parent instanceof LlmAgent) {
      if (!this.disallowTransferToParent) targets.push(parent);
      if (!this.disallowTransferToPeers)
        for (const peer of parent.subAgents) if (peer !== this) targets.push(peer);
    }
    return targets;
  }

  protected runAsyncImpl(ctx: InvocationContext): Observable<Event> {
    // ADK's BaseLlmFlow.run: one model turn, the tools its answer calls, and the transfer it
    // asked for, after another until the last event is a final answer. After a transfer that is
    // the target's last event: when it is not final (a loop left by a tool that only escalates),
    // this agent takes another turn, so the user still gets an answer. Per-run state lives here:
    // BaseAgent.runAsync calls runAsyncImpl once per subscription.
    // Why one concatLazy over the turn's phases (model, tools, transfer) and no defer: it replaces
    // a nested loop of a turn and its tools, a defer per run and per turn and a tap per turn.
    // Measured: this round's llm changes together took W4 storyflow-llm from 4.77M to 3.70M
    // instructions per run (−22%, bench/src/count.ts w4llm); this one was not measured alone.
    let steps = 0;
    let transferred = false;
    let toolsDue = false;
    const turn: TurnRecord = { last: undefined, tools: NO_TOOLS };
    const history = this.includeContents === 'default' ? historyOf(this, ctx) : undefined;
    const track = tap((event: Event) => {
      if (event.partial !== true) turn.last = event;
    });
    return concatLazy(() => {
      if (toolsDue) {
        toolsDue = false;
        const tools = turnTools(this, ctx, turn);
        if (tools !== undefined) return tools.pipe(track);
      }
      if (steps > 0) {
        const last = turn.last;
        if (last === undefined || ctx.ended) return undefined;
        const target = transferred ? undefined : last.actions.transferToAgent;
        if (target !== undefined) {
          // The function response stays the last event if the target emits nothing, as in ADK.
          transferred = true;
          return this.transfer(ctx, target).pipe(track);
        }
        if (last.errorCode !== undefined || isFinalResponse(last)) return undefined;
      }
      steps++;
      transferred = false;
      toolsDue = true;
      return modelTurn(this, ctx, history, turn);
    });
  }

  private transfer(ctx: InvocationContext, target: string): Observable<Event> {
    const agent = ctx.findAgent(target);
    if (agent === undefined) return throwError(() => new AgentNotFoundError(this.name, target));
    return agent.runAsync(ctx);
  }
}
