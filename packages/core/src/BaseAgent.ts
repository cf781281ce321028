import type { Span } from '@opentelemetry/api';
import {
  concat,
  defaultIfEmpty,
  defer,
  EMPTY,
  filter,
  from,
  isObservable,
  map,
  Observable,
  type ObservableInput,
  of,
  type Subscriber,
  take,
} from 'rxjs';
import { type AgentCallback, CallbackContext, type CallbackResult } from './CallbackContext.js';
import type { Content } from './Content.js';
import type { Event } from './Event.js';
import { InvalidAgentConfigError, InvalidAgentOutputError } from './errors.js';
import type { InvocationContext } from './InvocationContext.js';
import { ChildBranch } from './internal/ChildBranch.js';
import { AgentRun } from './internal/subscribers.js';
import { startSpan } from './internal/tracing.js';
import { isTransparent } from './internal/transparent.js';
import { SpanAttribute, SpanOperation, spanName } from './spanNames.js';

/** Options shared by every agent. */
export interface BaseAgentOptions {
  /** Identifier (letters, digits, `_`; not `user`), unique among siblings. */
  readonly name: string;
  readonly description?: string;
  /** Children; each may have only this agent as parent. */
  readonly subAgents?: readonly BaseAgent[];
  /** Run in order before the agent; the first that returns content replaces the agent's run. */
  readonly beforeAgentCallback?: AgentCallback | readonly AgentCallback[];
  /** Run in order after the agent; the first that returns content appends it. */
  readonly afterAgentCallback?: AgentCallback | readonly AgentCallback[];
}

/** Maps an agent to an agent: the unit of `agent.pipe(…)`. */
export type AgentOperator = (source: BaseAgent) => BaseAgent;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether a string can name an agent (or a graph node): an identifier, as branches are built of them. */
export function isAgentName(name: unknown): name is string {
  return typeof name === 'string' && NAME.test(name);
}
const NONE: readonly AgentCallback[] = [];

function toList(callbacks: AgentCallback | readonly AgentCallback[] | undefined): readonly AgentCallback[] {
  if (callbacks === undefined) return NONE;
  return typeof callbacks === 'function' ? [callbacks] : callbacks;
}

/**
 * The base of every agent: a name in a tree of agents and a cold `Observable<Event>` per run.
 *
 * Subclasses implement {@link BaseAgent.runAsyncImpl}; {@link BaseAgent.runAsync} wraps it once
 * for all agents: it derives the child context and branch, runs the callbacks, commits each
 * event's state delta before the next event is produced, and stops when the agent's context ends.
 * Nothing happens until subscription; unsubscribing cancels everything beneath.
 *
 * @example
 * ```ts
 * import { BaseAgent, type Event, type InvocationContext, text } from '@rxagents/core';
 * import { concat, defer, EMPTY, type Observable, of } from 'rxjs';
 *
 * class Greeter extends BaseAgent {
 *   constructor(readonly next: BaseAgent) { super({ name: 'greeter', subAgents: [next] }); }
 *   protected runAsyncImpl(ctx: InvocationContext): Observable<Event> {
 *     return concat(
 *       of(ctx.newEvent({ content: text('hi'), actions: { stateDelta: { greeted: true } } })),
 *       defer(() => (ctx.state.get('greeted') ? this.next.runAsync(ctx) : EMPTY)),
 *     );
 *   }
 * }
 * ```
 * @see SequentialAgent, ParallelAgent, LoopAgent, agent
 */
export abstract class BaseAgent {
  readonly name: string;
  readonly description: string;
  readonly subAgents: readonly BaseAgent[];
  readonly beforeAgentCallbacks: readonly AgentCallback[];
  readonly afterAgentCallbacks: readonly AgentCallback[];
  private parent: BaseAgent | undefined;
  // Whether this is an operator agent (runs in its caller's branch); known after the first run.
  private transparent: boolean | undefined;
  private readonly branches: ChildBranch;

  constructor(options: BaseAgentOptions) {
    const { name } = options;
    if (!isAgentName(name)) {
      throw new InvalidAgentConfigError(
        String(name),
        'name',
        `'${String(name)}' is not an identifier (letters, digits and '_', not starting with a digit)`,
      );
    }
    if (name === 'user') throw new InvalidAgentConfigError(name, 'name', "'user' is reserved for user input");
    const subAgents = options.subAgents ?? [];
    const seen = new Set<string>();
    for (const sub of subAgents) {
      if (!(sub instanceof BaseAgent)) {
        throw new InvalidAgentConfigError(name, 'subAgents', 'every sub-agent must be a BaseAgent');
      }
      if (seen.has(sub.name)) {
        throw new InvalidAgentConfigError(name, 'subAgents', `two sub-agents are named '${sub.name}'`);
      }
      seen.add(sub.name);
      if (sub.parent !== undefined) {
        throw new InvalidAgentConfigError(
          name,
          'subAgents',
          `'${sub.name}' already has parent '${sub.parent.name}'; an agent can have one parent`,
        );
      }
    }
    // Parents are assigned only after every check passed, so a rejected agent changes nothing.
    for (const sub of subAgents) sub.parent = this;
    this.name = name;
    this.branches = new ChildBranch(name);
    this.description = options.description ?? '';
    this.subAgents = Object.freeze([...subAgents]);
    this.beforeAgentCallbacks = toList(options.beforeAgentCallback);
    this.afterAgentCallbacks = toList(options.afterAgentCallback);
  }

  /** The agent that lists this one among its sub-agents, if any. */
  get parentAgent(): BaseAgent | undefined {
    return this.parent;
  }

  /** The top of this agent's tree. */
  get rootAgent(): BaseAgent {
    let agent: BaseAgent = this;
    while (agent.parent !== undefined) agent = agent.parent;
    return agent;
  }

  /**
   * Whether a `Runner` may hand the next user message straight to this agent when it is the
   * latest to have spoken in the session (after a transfer), as ADK's Runner does for LLM agents:
   * it does when this agent and every ancestor up to the root say yes; otherwise the Runner looks
   * at the agents that spoke before it, and falls back to the root. False for workflow and custom
   * agents; `LlmAgent` says yes unless it may not transfer back to its parent.
   */
  acceptsFollowUp(): boolean {
    return false;
  }

  /** This agent or a descendant with the given name (depth-first). */
  findAgent(name: string): BaseAgent | undefined {
    if (this.name === name) return this;
    return this.findSubAgent(name);
  }

  /** A descendant with the given name (depth-first). */
  findSubAgent(name: string): BaseAgent | undefined {
    for (const sub of this.subAgents) {
      const found = sub.findAgent(name);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /**
   * Runs the agent under a caller's context. Do not override: implement `runAsyncImpl`.
   * @param parentContext the caller's context (or a root one from `InvocationContext.create`)
   */
  runAsync(parentContext: InvocationContext): Observable<Event> {
    // One Observable per run and one subscriber (the AgentRun) per subscription, both class
    // instances rather than closures, instead of a chain of defer / takeUntil / map / takeWhile: a
    // fan-out of a thousand agents or a loop of thousands of iterations pays this per run (bench/).
    return new RunObservable(this, parentContext, BaseAgent.subscribeRun);
  }

  // The subscribe function of every RunObservable: RxJS calls it with the observable as `this`.
  // A static method (not a closure per run) that may still use the agent's private fields.
  private static subscribeRun(this: RunObservable, subscriber: Subscriber<Event>): void {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the RunObservable, not the class
    const { agent, parentContext } = this;
    // Operator agents are marked once, when made: ask the WeakSet on the first run only.
    const transparent = (agent.transparent ??= isTransparent(agent));
    const callerBranch = parentContext.branch;
    const branch = transparent ? callerBranch : agent.branches.under(callerBranch);
    const parentScope = parentContext.traceScope;
    let span: Span | undefined;
    let scope = parentScope;
    if (parentScope !== undefined && !transparent) {
      [span, scope] = startSpan(parentScope, spanName(SpanOperation.invokeAgent, agent.name), {
        [SpanAttribute.operationName]: SpanOperation.invokeAgent,
        [SpanAttribute.agentName]: agent.name,
        [SpanAttribute.branch]: branch,
        [SpanAttribute.invocationId]: parentContext.invocationId,
      });
    }
    const ctx = parentContext.derive(agent, branch, undefined, scope);
    // Chained to the outer subscriber, so a synchronous source sees it close (a downstream
    // takeWhile, an escalation, end()) and stops producing.
    const run = new AgentRun(subscriber, ctx, branch, span);
    if (span !== undefined) {
      const traced = span;
      subscriber.add(() => {
        traced.setAttribute(SpanAttribute.eventCount, run.count);
        traced.setAttribute(SpanAttribute.outcome, run.outcome);
        traced.end();
      });
    }
    // end() stops the agent at once, whatever it is waiting for.
    ctx.onEnd(run);
    const before = agent.beforeAgentCallbacks;
    const after = agent.afterAgentCallbacks;
    let events: Observable<Event>;
    try {
      events =
        before.length === 0 && after.length === 0
          ? agent.implOf(ctx)
          : withCallbacks(
              ctx,
              before,
              defer(() => (ctx.ended ? EMPTY : agent.implOf(ctx))),
              after,
            );
    } catch (error) {
      run.error(error);
      return;
    }
    events.subscribe(run);
  }

  /**
   * Composes agent operators left to right, like `Observable.pipe`.
   * @example
   * ```ts
   * const flow = storyGenerator.pipe(andThen(refine), andThen(checks), when(isNegative, storyGenerator));
   * ```
   */
  pipe(...operators: readonly AgentOperator[]): BaseAgent {
    let agent: BaseAgent = this;
    for (const op of operators) agent = op(agent);
    return agent;
  }

  /** The agent's behaviour: a cold stream of events for one run under `ctx`. */
  protected abstract runAsyncImpl(ctx: InvocationContext): Observable<Event>;

  private implOf(ctx: InvocationContext): Observable<Event> {
    const out: unknown = this.runAsyncImpl(ctx);
    if (!isObservable(out)) {
      throw new InvalidAgentOutputError(this.name, out === null ? 'null' : typeof out);
    }
    return out as Observable<Event>;
  }
}

/** The Observable of one agent run: what {@link BaseAgent.runAsync} returns. */
class RunObservable extends Observable<Event> {
  constructor(
    readonly agent: BaseAgent,
    readonly parentContext: InvocationContext,
    subscribe: (this: RunObservable, subscriber: Subscriber<Event>) => void,
  ) {
    super(subscribe as (this: Observable<Event>, subscriber: Subscriber<Event>) => void);
  }
}

function withCallbacks(
  ctx: InvocationContext,
  before: readonly AgentCallback[],
  body: Observable<Event>,
  after: readonly AgentCallback[],
): Observable<Event> {
  let shortCircuited = false;
  return concat(
    callbackEvents(ctx, before, () => {
      shortCircuited = true;
    }),
    defer(() => (shortCircuited ? EMPTY : concat(body, callbackEvents(ctx, after, undefined)))),
  );
}

// Runs callbacks in order until one returns content; each yields an event when it returned
// content or wrote state.
function callbackEvents(
  ctx: InvocationContext,
  callbacks: readonly AgentCallback[],
  onContent: (() => void) | undefined,
): Observable<Event> {
  let stopped = false;
  return concat(
    ...callbacks.map((callback) =>
      defer(() => {
        if (stopped) return EMPTY;
        const callbackContext = new CallbackContext(ctx);
        return resultOf(callback(callbackContext)).pipe(
          map((content) => {
            const stateDelta = callbackContext.takeDelta();
            if (content !== undefined) {
              stopped = true;
              onContent?.();
            }
            if (content === undefined && stateDelta === undefined) return undefined;
            return ctx.newEvent({
              ...(content === undefined ? {} : { content }),
              ...(stateDelta === undefined ? {} : { actions: { stateDelta } }),
            });
          }),
          filter((event): event is Event => event !== undefined),
        );
      }),
    ),
  );
}

function resultOf(result: CallbackResult | ObservableInput<CallbackResult>): Observable<Content | undefined> {
  if (result === undefined || result === null) return of(undefined);
  if (typeof result === 'object' && 'parts' in result && 'role' in result) return of(result as Content);
  return from(result as ObservableInput<CallbackResult>).pipe(
    take(1),
    defaultIfEmpty(undefined),
    map((content) => (content === null || content === undefined ? undefined : (content as Content))),
  );
}
