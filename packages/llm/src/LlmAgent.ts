import {
  AgentNotFoundError,
  BaseAgent,
  type BaseAgentOptions,
  CallbackContext,
  type Content,
  concatLazy,
  type Event,
  type EventActions,
  type EventInit,
  type FunctionCallPart,
  InvalidAgentConfigError,
  type InvocationContext,
  InvocationPaused,
  isFinalResponse,
  isPause,
  isResumeFault,
  type JsonObject,
  type JsonValue,
  type Part,
  ReplayDivergedError,
  stateKeyProblem,
  textOf,
} from '@rxagents/core';
import {
  catchError,
  concat,
  concatMap,
  defaultIfEmpty,
  defer,
  EMPTY,
  filter,
  finalize,
  forkJoin,
  from,
  map,
  merge,
  mergeMap,
  type Observable,
  of,
  take,
  tap,
  throwError,
  toArray,
} from 'rxjs';
import { LlmCallsLimitExceededError, OUTPUT_SCHEMA_MISMATCH } from './errors.js';
import { callModel } from './internal/callModel.js';
import { buildContents } from './internal/history.js';
import { checkInstruction, fillInstruction } from './internal/instructionTemplate.js';
import { parseOutput } from './internal/outputSchema.js';
import { messageOf } from './internal/toJsonResult.js';
import { type MaybeAsync, toObservable } from './internal/toObservable.js';
import { type ZodSchema, zodJsonSchema } from './internal/zodSchema.js';
import type { LlmRequest, LlmResponse, Model, ToolDeclaration } from './Model.js';
import type { Tool, ToolArgs, ToolResult } from './Tool.js';
import { ToolContext } from './ToolContext.js';
import { isToolset, type Toolset } from './Toolset.js';
import { TRANSFER_TO_AGENT, transferToAgentTool } from './transferToAgentTool.js';

// An object filled in field by field before it is handed on as its readonly type.
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A system instruction: a template with `{key}` / `{key?}` placeholders, or a function of the context. */
export type Instruction = string | ((ctx: InvocationContext) => string);

/** Runs before each model call; returning a response skips the model. */
export type BeforeModelCallback = (
  context: CallbackContext,
  request: LlmRequest,
) => MaybeAsync<LlmResponse | undefined | void>;

/** Runs on each complete model response; returning a response replaces it. */
export type AfterModelCallback = (
  context: CallbackContext,
  response: LlmResponse,
) => MaybeAsync<LlmResponse | undefined | void>;

/** Runs before each tool call; returning a result skips the tool. */
export type BeforeToolCallback = (
  tool: Tool,
  args: ToolArgs,
  toolContext: ToolContext,
) => MaybeAsync<ToolResult | undefined | void>;

/** Runs after each tool call; returning a result replaces the tool's. */
export type AfterToolCallback = (
  tool: Tool,
  args: ToolArgs,
  toolContext: ToolContext,
  result: ToolResult,
) => MaybeAsync<ToolResult | undefined | void>;

type OneOrMany<T> = T | readonly T[];

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

function list<T>(value: OneOrMany<T> | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

// Runs callbacks in order; the first defined result wins.
function firstResult<T>(
  callbacks: readonly ((...args: never[]) => unknown)[],
  invoke: (callback: never) => MaybeAsync<T | undefined | void>,
): Observable<T | undefined> {
  if (callbacks.length === 0) return of(undefined);
  return concat(...callbacks.map((callback) => defer(() => toObservable(invoke(callback as never))))).pipe(
    filter((value): value is T => value !== undefined && value !== null),
    take(1),
    defaultIfEmpty(undefined),
  );
}

// Two tools of one agent may not share a name: the model could not tell them apart.
function uniqueNames(agent: string, tools: readonly Tool[]): void {
  const names = new Set<string>();
  for (const tool of tools) {
    if (names.has(tool.name))
      throw new InvalidAgentConfigError(agent, 'tools', `two tools are named '${tool.name}'`);
    names.add(tool.name);
  }
}

function functionCalls(content: Content | undefined): FunctionCallPart['functionCall'][] {
  const calls: FunctionCallPart['functionCall'][] = [];
  if (content !== undefined)
    for (const part of content.parts) if ('functionCall' in part) calls.push(part.functionCall);
  return calls;
}

// A recorded event answering function calls (the second half of a tool step).
function isToolAnswer(event: Event): boolean {
  const parts = event.content?.parts;
  return (
    event.content?.role === 'user' &&
    parts !== undefined &&
    parts.length > 0 &&
    parts.every((p) => 'functionResponse' in p)
  );
}

interface ToolOutcome {
  readonly part: Part;
  readonly delta: Readonly<Record<string, JsonValue>> | undefined;
  readonly escalate: boolean;
  readonly skipSummarization: boolean;
  readonly transferToAgent: string | undefined;
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
  private readonly responseSchema: JsonObject | undefined;

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
    return defer(() => {
      // ADK's BaseLlmFlow.run: one model turn (and its tool calls, and the transfer it asked for)
      // after another until the last event is a final answer. After a transfer that is the
      // target's last event: when it is not final (a loop left by a tool that only escalates),
      // this agent takes another turn, so the user still gets an answer. Per-run state lives here.
      let last: Event | undefined;
      let steps = 0;
      let transferred = false;
      const track = tap((event: Event) => {
        if (event.partial !== true) last = event;
      });
      return concatLazy(() => {
        if (steps > 0) {
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
        last = undefined;
        transferred = false;
        return this.step(ctx).pipe(track);
      });
    });
  }

  private transfer(ctx: InvocationContext, target: string): Observable<Event> {
    const agent = ctx.findAgent(target);
    if (agent === undefined) return throwError(() => new AgentNotFoundError(this.name, target));
    return agent.runAsync(ctx);
  }

  private step(ctx: InvocationContext): Observable<Event> {
    if (this.toolsets.length === 0) return this.stepWith(ctx, this.tools);
    // Toolsets are asked afresh for every model call, so a changed tool list is seen next time.
    return forkJoin(
      this.toolsets.map((toolset) =>
        toolset.tools$(ctx).pipe(take(1), defaultIfEmpty<readonly Tool[], readonly Tool[]>([])),
      ),
    ).pipe(
      mergeMap((lists) => {
        const tools = [...this.tools, ...lists.flat()];
        uniqueNames(this.name, tools);
        return this.stepWith(ctx, tools);
      }),
    );
  }

  private stepWith(ctx: InvocationContext, offered: readonly Tool[]): Observable<Event> {
    return defer(() => {
      const tools = this.toolsFor(offered);
      // A resumed invocation: the model's answer of this turn is in the log; the model is not
      // called again (the call still counts against maxLlmCalls, as it did).
      const recorded = ctx.replay?.peek(ctx.branch);
      if (recorded !== undefined && recorded.author === this.name && recorded.content?.role !== 'user') {
        ctx.replay!.take(ctx.branch);
        ctx.incrementLlmCallCount();
        const calls = functionCalls(recorded.content);
        return concat(of(recorded), calls.length === 0 ? EMPTY : this.runTools(ctx, calls, tools));
      }
      const request = this.request(ctx, tools);
      const callbackContext = new CallbackContext(ctx);
      let final: Event | undefined;
      // Without callbacks (the common case) the model's responses map straight to events: no
      // callback chain to ask, and nothing a callback could have written to the state.
      const before = this.beforeModelCallbacks;
      const after = this.afterModelCallbacks;
      const responses =
        before.length === 0
          ? this.callModel(ctx, request)
          : firstResult<LlmResponse>(before, (cb: BeforeModelCallback) => cb(callbackContext, request)).pipe(
              mergeMap((short) => (short === undefined ? this.callModel(ctx, request) : of(short))),
            );
      const events =
        before.length === 0 && after.length === 0
          ? responses.pipe(
              map((response) => {
                const event = this.responseEvent(ctx, response, undefined);
                if (response.partial !== true) final = event;
                return event;
              }),
            )
          : responses.pipe(
              concatMap((response) =>
                response.partial === true
                  ? of(this.responseEvent(ctx, response, undefined))
                  : firstResult<LlmResponse>(after, (cb: AfterModelCallback) =>
                      cb(callbackContext, response),
                    ).pipe(
                      map((replaced) =>
                        this.responseEvent(ctx, replaced ?? response, callbackContext.takeDelta()),
                      ),
                      tap((event) => {
                        final = event;
                      }),
                    ),
              ),
            );
      return concat(
        events,
        defer(() => {
          const calls = final === undefined ? [] : functionCalls(final.content);
          return calls.length === 0 ? EMPTY : this.runTools(ctx, calls, tools);
        }),
      );
    });
  }

  private callModel(ctx: InvocationContext, request: LlmRequest): Observable<LlmResponse> {
    return defer(() => {
      if (ctx.replay?.check === true) {
        throw new ReplayDivergedError(
          this.name,
          'model',
          'the replay calls the model where the log holds no answer',
        );
      }
      const count = ctx.incrementLlmCallCount();
      const limit = ctx.runConfig.maxLlmCalls;
      if (limit !== undefined && limit > 0 && count > limit) {
        return throwError(() => new LlmCallsLimitExceededError(this.name, limit));
      }
      let complete = false;
      let streamed = '';
      return concat(
        callModel(this.model, request, ctx, this.stream).pipe(
          tap((response) => {
            if (response.partial === true) streamed += textOf(response.content);
            else complete = true;
          }),
        ),
        // A stream that ended without its complete response: assemble it from the chunks.
        defer(() =>
          complete || streamed === ''
            ? EMPTY
            : of<LlmResponse>({
                content: { role: 'model', parts: [{ text: streamed }] },
                turnComplete: true,
              }),
        ),
      );
    });
  }

  private toolsFor(list: readonly Tool[]): ReadonlyMap<string, Tool> {
    const tools = new Map<string, Tool>();
    for (const tool of list) tools.set(tool.name, tool);
    const targets = this.transferTargets;
    if (targets.length > 0 && !tools.has(TRANSFER_TO_AGENT)) {
      tools.set(TRANSFER_TO_AGENT, transferToAgentTool(targets));
    }
    return tools;
  }

  private systemInstruction(ctx: InvocationContext): string | undefined {
    const instruction = this.instruction;
    let system =
      instruction === undefined
        ? undefined
        : typeof instruction === 'function'
          ? instruction(ctx)
          : fillInstruction(instruction, ctx.state, this.name);
    const targets = this.transferTargets;
    if (targets.length > 0) {
      const lines = targets.map(
        (agent) => `Agent name: ${agent.name}\nAgent description: ${agent.description}`,
      );
      const transfer =
        `You have a list of other agents to transfer to:\n\n${lines.join('\n\n')}\n\n` +
        'If you are the best to answer the question according to your description, answer it.\n' +
        `If another agent is better suited, call the \`${TRANSFER_TO_AGENT}\` function to transfer to it.`;
      system = system === undefined ? transfer : `${system}\n\n${transfer}`;
    }
    return system;
  }

  private request(ctx: InvocationContext, tools: ReadonlyMap<string, Tool>): LlmRequest {
    const system = this.systemInstruction(ctx);
    const declarations: ToolDeclaration[] = [];
    for (const tool of tools.values()) declarations.push(tool.declaration);
    const request: Mutable<LlmRequest> = {
      agentName: this.name,
      contents: buildContents(
        ctx.session.events,
        (event) => ctx.canSee(event),
        this.name,
        this.includeContents,
      ),
    };
    if (system !== undefined) request.systemInstruction = system;
    if (declarations.length > 0) request.tools = declarations;
    if (this.responseSchema !== undefined) request.responseSchema = this.responseSchema;
    if (this.generateContentConfig !== undefined) request.config = this.generateContentConfig;
    return request;
  }

  private responseEvent(
    ctx: InvocationContext,
    response: LlmResponse,
    callbackDelta: Readonly<Record<string, JsonValue>> | undefined,
  ): Event {
    const content = response.partial === true ? response.content : this.withCallIds(ctx, response.content);
    let stateDelta: Record<string, JsonValue> | undefined =
      callbackDelta === undefined ? undefined : { ...callbackDelta };
    let errorCode = response.errorCode;
    let errorMessage = response.errorMessage;
    if (
      response.partial !== true &&
      errorCode === undefined &&
      content !== undefined &&
      functionCalls(content).length === 0 &&
      (this.outputKey !== undefined || this.outputSchema !== undefined)
    ) {
      const output = this.output(textOf(content));
      if ('error' in output) {
        errorCode = OUTPUT_SCHEMA_MISMATCH;
        errorMessage = output.error;
        stateDelta = undefined;
      } else if (this.outputKey !== undefined) {
        (stateDelta ??= {})[this.outputKey] = output.value;
      }
    }
    // Field by field, not eight conditional spreads: a literal built by spreads of varying shapes
    // leaves V8's fast properties, and newEvent reads every field of it.
    const init: Mutable<EventInit> = {};
    if (content !== undefined) init.content = content;
    if (response.partial !== undefined) init.partial = response.partial;
    if (response.turnComplete !== undefined) init.turnComplete = response.turnComplete;
    if (response.finishReason !== undefined) init.finishReason = response.finishReason;
    if (response.usage !== undefined) init.usage = response.usage;
    if (errorCode !== undefined) init.errorCode = errorCode;
    if (errorMessage !== undefined) init.errorMessage = errorMessage;
    if (stateDelta !== undefined) init.actions = { stateDelta };
    return ctx.newEvent(init);
  }

  private output(value: string): { value: JsonValue } | { error: string } {
    const schema = this.outputSchema;
    return schema === undefined ? { value } : parseOutput(schema, this.name, value);
  }

  // Gives every function call an id (from the invocation's id generator) so responses can name it.
  private withCallIds(ctx: InvocationContext, content: Content | undefined): Content | undefined {
    if (
      content === undefined ||
      !content.parts.some((p) => 'functionCall' in p && p.functionCall.id === undefined)
    ) {
      return content;
    }
    return {
      ...content,
      parts: content.parts.map((part) =>
        'functionCall' in part && part.functionCall.id === undefined
          ? { functionCall: { ...part.functionCall, id: `call_${ctx.idGenerator()}` } }
          : part,
      ),
    };
  }

  // The tool answers the log already holds for these calls (a resumed step), then the calls still
  // unanswered: nothing the log records runs again.
  private runTools(
    ctx: InvocationContext,
    calls: readonly FunctionCallPart['functionCall'][],
    tools: ReadonlyMap<string, Tool>,
  ): Observable<Event> {
    return defer(() => {
      const replay = ctx.replay;
      if (replay === undefined) return this.runCalls(ctx, calls, tools);
      const served: Event[] = [];
      const answered = new Set<string>();
      for (let next = replay.peek(ctx.branch); next !== undefined; next = replay.peek(ctx.branch)) {
        if (next.author !== this.name || !isToolAnswer(next)) break;
        replay.take(ctx.branch);
        served.push(next);
        for (const part of next.content!.parts) {
          const id = 'functionResponse' in part ? part.functionResponse.id : undefined;
          if (id !== undefined) answered.add(id);
        }
      }
      const rest = calls.filter((call) => call.id === undefined || !answered.has(call.id));
      return rest.length === 0 ? from(served) : concat(from(served), this.runCalls(ctx, rest, tools));
    });
  }

  // Runs the calls concurrently; answers in one event, in call order. Calls that pause (a
  // confirmation, a long-running tool) are left out of it; the others' answers are committed, and
  // the step pauses for all requests together: the model is not called while one is unanswered.
  private runCalls(
    ctx: InvocationContext,
    calls: readonly FunctionCallPart['functionCall'][],
    tools: ReadonlyMap<string, Tool>,
  ): Observable<Event> {
    const paused: string[] = [];
    const requests: Event[] = [];
    const untilPaused = (error: unknown) => {
      if (!isPause(error)) return throwError(() => error);
      paused.push(...error.requestIds);
      requests.push(...error.unemitted.splice(0));
      return EMPTY;
    };
    return merge(
      ...calls.map((call, index) =>
        this.runTool(ctx, call, tools).pipe(
          map((o) => [index, o] as const),
          catchError(untilPaused),
        ),
      ),
    ).pipe(
      toArray(),
      concatMap((outcomes) => {
        const answer = outcomes.length === 0 ? EMPTY : of(this.toolAnswer(ctx, outcomes));
        return paused.length === 0
          ? answer
          : concat(
              answer,
              throwError(() => new InvocationPaused(paused, requests)),
            );
      }),
    );
  }

  private toolAnswer(ctx: InvocationContext, outcomes: readonly (readonly [number, ToolOutcome])[]): Event {
    const ordered = [...outcomes].sort((a, b) => a[0] - b[0]).map(([, outcome]) => outcome);
    const stateDelta: Record<string, JsonValue> = {};
    const actions: { -readonly [K in keyof EventActions]?: EventActions[K] } = { stateDelta };
    for (const outcome of ordered) {
      if (outcome.delta !== undefined) Object.assign(stateDelta, outcome.delta);
      if (outcome.escalate) actions.escalate = true;
      if (outcome.skipSummarization) actions.skipSummarization = true;
      if (outcome.transferToAgent !== undefined) actions.transferToAgent = outcome.transferToAgent;
    }
    return ctx.newEvent({ content: { role: 'user', parts: ordered.map((o) => o.part) }, actions });
  }

  private runTool(
    ctx: InvocationContext,
    call: FunctionCallPart['functionCall'],
    tools: ReadonlyMap<string, Tool>,
  ): Observable<ToolOutcome> {
    return defer(() => {
      const controller = new AbortController();
      const id = call.id ?? `call_${ctx.idGenerator()}`;
      const toolContext = new ToolContext(ctx, id, controller.signal);
      const tool = tools.get(call.name);
      const args = call.args;
      const span = ctx.startSpan(`execute_tool ${call.name}`, {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': call.name,
        'gen_ai.tool.call.id': id,
      });
      let done = false;
      const result: Observable<ToolResult> =
        tool === undefined
          ? of({
              error: `Tool '${call.name}' not found; available tools: ${[...tools.keys()].join(', ') || 'none'}`,
            })
          : firstResult<ToolResult>(this.beforeToolCallbacks, (cb: BeforeToolCallback) =>
              cb(tool, args, toolContext),
            ).pipe(
              mergeMap((short) =>
                short !== undefined
                  ? of(short)
                  : defer(() => tool.run(args, toolContext)).pipe(
                      take(1),
                      defaultIfEmpty<ToolResult, ToolResult>({}),
                      // A pause (a confirmation, a long-running tool) is not the tool failing, nor is a
                      // bad answer or a diverged replay: those stop the resume before any commit.
                      catchError((error: unknown) =>
                        isPause(error) || isResumeFault(error)
                          ? throwError(() => error)
                          : of<ToolResult>({ error: messageOf(error) }),
                      ),
                    ),
              ),
              mergeMap((response) =>
                firstResult<ToolResult>(this.afterToolCallbacks, (cb: AfterToolCallback) =>
                  cb(tool, args, toolContext, response),
                ).pipe(map((replaced) => replaced ?? response)),
              ),
            );
      return result.pipe(
        map((response): ToolOutcome => {
          const actions = toolContext.takeActions();
          return {
            part: { functionResponse: { id, name: call.name, response } },
            delta: toolContext.takeDelta(),
            ...actions,
          };
        }),
        tap({ complete: () => (done = true), error: () => (done = true) }),
        finalize(() => {
          if (!done) controller.abort();
          span?.end();
        }),
      );
    });
  }
}
