// The context of every agent run: its fields, derivation, event stamping and commit, and the
// invocation-wide counters (escalations, model calls, requests). The file stays whole (over 350
// lines, most of them TSDoc) because every method reads the private invocation scope and the
// per-run fields that `derive` copies without a literal per run; split, the scope would have to
// become public or be passed around on the hot path. The event record itself is built in Event.ts.
import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { BaseAgent } from './BaseAgent.js';
import type { Content } from './Content.js';
import { buildEvent, type Event, type EventInit } from './Event.js';
import { AgentNotFoundError } from './errors.js';
import { type IdGenerator, randomIds } from './ids.js';
import type { CommitCheck } from './internal/CommitCheck.js';
import type { ConflictTracker } from './internal/ConflictTracker.js';
import { globalTracer, rootScope, startSpan, type TraceScope } from './internal/tracing.js';
import { validateEvent } from './internal/validateEvent.js';
import { assertPlainDelta } from './internal/validateState.js';
import type { ReplayLog } from './ReplayLog.js';
import type { Session } from './Session.js';
import type { SessionService } from './SessionService.js';
import type { StateStore } from './StateStore.js';
import { SpanAttribute } from './spanNames.js';

/** Services an agent may reach through its context. */
export interface InvocationServices {
  readonly sessionService?: SessionService;
  readonly artifactService?: unknown;
  readonly memoryService?: unknown;
}

/** Limits and switches for one invocation. */
export interface RunConfig {
  /** Most model calls one invocation may make (enforced by `@rxagents/llm`); unlimited when absent. */
  readonly maxLlmCalls?: number;
}

/** Options of {@link InvocationContext.create}. */
export interface InvocationContextOptions {
  /** The agent about to be run (the root agent, for a runner). */
  readonly agent: BaseAgent;
  readonly session: Session;
  readonly invocationId?: string;
  /** Branch of the caller; the agent's own name is appended when it runs. Default `''`. */
  readonly branch?: string;
  readonly userContent?: Content;
  /** Source of time for timestamps, delays and timeouts. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Source of event and invocation ids. Default {@link randomIds}. */
  readonly idGenerator?: IdGenerator;
  readonly services?: InvocationServices;
  readonly runConfig?: RunConfig;
  /**
   * OpenTelemetry tracer for agent, model and tool spans. Default: the globally registered
   * provider's, or none (tracing off, at no cost) when no provider is registered.
   */
  readonly tracer?: Tracer;
  /**
   * The log a resumed invocation replays against (set by the `Runner` when it resumes a paused
   * invocation): events made on a branch take the recorded ids, in order.
   */
  readonly replay?: ReplayLog;
}

/** @internal what `end()` notifies: the run that owns the context (an object, not a closure per run). */
export interface EndListener {
  contextEnded(): void;
}

// Shared by every context of one invocation.
interface InvocationScope {
  /** The agent the invocation was created for: transfers resolve against its tree. */
  readonly root: BaseAgent;
  /**
   * Escalations a loop consumed; undefined until the first one (none consumed). Made on first use:
   * most invocations never escalate. With the Runner's per-Runner services and user event
   * without spreads: W4 −6% bytes allocated per run.
   */
  consumedEscalations: WeakSet<Event> | undefined;
  llmCalls: number;
  readonly replay: ReplayLog | undefined;
  /** Requests made so far per `branch/id`: the occurrence number of the next one. */
  requestCounts: Map<string, number> | undefined;
  /** `branch/id` of requests waiting for an answer in this run (two at once collide). */
  waiting: Set<string> | undefined;
}

/**
 * Everything an agent run can see: the session and its state, where it sits in the agent tree
 * (`branch`), the scheduler that supplies time, and the id generator.
 *
 * Each agent run gets a child context derived from its caller's (never mutated in place), so
 * `end()` stops that agent only; session and state store are shared by reference.
 *
 * @example
 * ```ts
 * import { agent, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const greeter = agent('greeter', (ctx) =>
 *   of(ctx.newEvent({ content: text(`hi from ${ctx.branch}`), actions: { stateDelta: { greeted: true } } })),
 * );
 * ```
 */
export class InvocationContext {
  readonly invocationId: string;
  readonly agent: BaseAgent;
  readonly branch: string;
  readonly session: Session;
  readonly userContent: Content | undefined;
  readonly scheduler: SchedulerLike;
  readonly idGenerator: IdGenerator;
  readonly services: InvocationServices;
  readonly runConfig: RunConfig;
  /**
   * Which run of its graph node this agent belongs to, from the second run on (a node inside a
   * cycle); undefined on a node's first run and outside graphs. Stamped on every event.
   */
  readonly iteration: number | undefined;
  /** @internal conflict trackers of the enclosing parallel runs, innermost last */
  readonly conflictTrackers: readonly ConflictTracker[];
  /** @internal the tracer and the span enclosing this run; undefined when tracing is off */
  readonly traceScope: TraceScope | undefined;
  /** @internal checks of enclosing graphs' state schemas, run on each event before it is committed */
  readonly commitChecks: readonly CommitCheck[];
  private readonly scope: InvocationScope;
  private endedFlag = false;
  private endListener: EndListener | undefined;

  // The fields come from a literal (create) or from the parent context itself (derive: no
  // literal per agent run), with the four that a derived context changes passed apart.
  private constructor(
    fields: ContextFields,
    scope: InvocationScope,
    agent: BaseAgent,
    branch: string,
    conflictTrackers: readonly ConflictTracker[],
    traceScope: TraceScope | undefined,
    commitChecks: readonly CommitCheck[],
  ) {
    this.invocationId = fields.invocationId;
    this.agent = agent;
    this.branch = branch;
    this.session = fields.session;
    this.userContent = fields.userContent;
    this.scheduler = fields.scheduler;
    this.idGenerator = fields.idGenerator;
    this.services = fields.services;
    this.runConfig = fields.runConfig;
    this.iteration = fields.iteration;
    this.conflictTrackers = conflictTrackers;
    this.traceScope = traceScope;
    this.commitChecks = commitChecks;
    this.scope = scope;
  }

  /** Creates the context of a new invocation (what a `Runner` does for each `run`). */
  static create(options: InvocationContextOptions): InvocationContext {
    const idGenerator = options.idGenerator ?? randomIds();
    return new InvocationContext(
      {
        invocationId: options.invocationId ?? `inv-${idGenerator()}`,
        session: options.session,
        userContent: options.userContent,
        scheduler: options.scheduler ?? asyncScheduler,
        idGenerator,
        services: options.services ?? {},
        runConfig: options.runConfig ?? {},
        iteration: undefined,
      },
      {
        root: options.agent,
        consumedEscalations: undefined,
        llmCalls: 0,
        replay: options.replay,
        requestCounts: undefined,
        waiting: undefined,
      },
      options.agent,
      options.branch ?? '',
      NO_TRACKERS,
      rootScope(options.tracer ?? globalTracer()),
      NO_CHECKS,
    );
  }

  /** The session's state store (shared by every agent of the invocation). */
  get state(): StateStore {
    return this.session.state;
  }

  /** Whether `end()` was called on this context. */
  get ended(): boolean {
    return this.endedFlag;
  }

  /** Ends this agent's run: it stops at once and emits nothing more. Its caller carries on. */
  end(): void {
    if (this.endedFlag) return;
    this.endedFlag = true;
    const listener = this.endListener;
    this.endListener = undefined;
    listener?.contextEnded();
  }

  /** @internal sets the one listener for `end()`: the wrapper of the run that owns this context. */
  onEnd(listener: EndListener): void {
    this.endListener = listener;
  }

  /** Derives the context for `agent` running on `branch`; nothing in this context changes. */
  derive(
    agent: BaseAgent,
    branch: string,
    tracker?: ConflictTracker,
    traceScope: TraceScope | undefined = this.traceScope,
  ): InvocationContext {
    return new InvocationContext(
      this,
      this.scope,
      agent,
      branch,
      tracker === undefined ? this.conflictTrackers : [...this.conflictTrackers, tracker],
      traceScope,
      this.commitChecks,
    );
  }

  /**
   * @internal Derives the context of one run of a graph node: `iteration` stamped on its events
   * (undefined on the first run) and, when the graph has a state schema, its check at commit.
   */
  deriveNode(
    agent: BaseAgent,
    branch: string,
    iteration: number | undefined,
    check: CommitCheck | undefined,
  ): InvocationContext {
    const fields: ContextFields = {
      invocationId: this.invocationId,
      session: this.session,
      userContent: this.userContent,
      scheduler: this.scheduler,
      idGenerator: this.idGenerator,
      services: this.services,
      runConfig: this.runConfig,
      iteration,
    };
    const checks = check === undefined ? this.commitChecks : [...this.commitChecks, check];
    return new InvocationContext(
      fields,
      this.scope,
      agent,
      branch,
      this.conflictTrackers,
      this.traceScope,
      checks,
    );
  }

  /**
   * Creates an event authored by this context's agent on its branch, stamped with a fresh id and
   * the scheduler's time. The result is frozen.
   */
  newEvent(init: EventInit = {}): Event {
    const replay = this.scope.replay;
    const branch = init.branch ?? this.branch;
    const id =
      replay === undefined || init.partial === true
        ? this.idGenerator()
        : (replay.take(branch)?.id ?? this.idGenerator());
    const event = buildEvent(
      id,
      this.invocationId,
      init.author ?? this.agent.name,
      branch,
      this.scheduler.now(),
      init,
      this.iteration,
    );
    this.session.noteNew(event);
    return event;
  }

  /**
   * @internal Commits an event to the session (once, however many agents it passes through):
   * the event's shape (what the agent emitted may be anything), conflict checks of enclosing
   * parallel runs, the transfer target, then the state delta. Returns the event as committed
   * (annotated when it overwrote another branch's key). Partial events are checked, not committed.
   */
  commit(event: Event): Event {
    const session = this.session;
    // An event already committed was checked then (it is passing through an enclosing agent).
    if (session.isCommitted(event)) return event;
    validateEvent(this.agent.name, event);
    if (event.partial === true) return event;
    let committed = event;
    const trackers = this.conflictTrackers;
    const checks = this.commitChecks;
    // Before the conflict trackers and checks read the delta's keys: an inherited key must reach
    // none of them. (Without them, the state store's own check is the first to read it.)
    if (trackers.length !== 0 || checks.length !== 0)
      assertPlainDelta(event.author, event.actions.stateDelta);
    for (let i = trackers.length - 1; i >= 0; i--) committed = trackers[i]!.check(committed, session.state);
    for (let i = 0; i < checks.length; i++) checks[i]!.check(committed, session.state);
    const target = committed.actions.transferToAgent;
    if (target !== undefined && this.findAgent(target) === undefined) {
      throw new AgentNotFoundError(committed.author, target);
    }
    session.commitNew(committed);
    return committed;
  }

  /**
   * Whether {@link InvocationContext.canSee} is true of every event: no parallel run encloses
   * this agent. Then what it sees of its session depends on the session alone, not on this
   * context (`@rxagents/llm` keeps an agent's converted history between runs by it).
   */
  get canSeeAll(): boolean {
    return this.conflictTrackers.length === 0;
  }

  /**
   * Whether this agent may see an event in its conversation history. Everything is visible
   * except what another branch of an enclosing parallel run produced: parallel siblings cannot
   * see each other's conversation (as in ADK), while sequential siblings, ancestors and the user
   * can.
   * @example
   * ```ts
   * const history = ctx.session.events.filter((e) => ctx.canSee(e));
   * ```
   */
  canSee(event: Event): boolean {
    const branch = event.branch;
    if (branch === '' || branch === this.branch) return true;
    const trackers = this.conflictTrackers;
    for (let i = 0; i < trackers.length; i++) {
      const tracker = trackers[i]!;
      const arm = tracker.armOf(branch);
      if (arm !== undefined && arm !== tracker.armOf(this.branch)) return false;
    }
    return true;
  }

  /**
   * Finds an agent by name in the tree of the invocation's root agent, then in the tree of this
   * context's agent (agents composed with operators are referenced, not parented).
   */
  findAgent(name: string): BaseAgent | undefined {
    return this.scope.root.findAgent(name) ?? this.agent.rootAgent.findAgent(name);
  }

  /** @internal marks an escalation as consumed by the nearest loop; false if it already was. */
  consumeEscalation(event: Event): boolean {
    const consumed = (this.scope.consumedEscalations ??= new WeakSet());
    if (consumed.has(event)) return false;
    consumed.add(event);
    return true;
  }

  /** @internal whether an escalation is still looking for its loop. */
  isUnconsumedEscalation(event: Event): boolean {
    if (event.actions.escalate !== true) return false;
    const consumed = this.scope.consumedEscalations;
    return consumed === undefined || !consumed.has(event);
  }

  /**
   * Starts an OpenTelemetry span under this agent's span (for model and tool calls), or returns
   * undefined when tracing is off. The caller ends it.
   * @example
   * ```ts
   * const span = ctx.startSpan(spanName(SpanOperation.callLlm, model.name), {
   *   [SpanAttribute.requestModel]: model.name,
   * });
   * // … span?.end();
   * ```
   */
  startSpan(name: string, attributes: Attributes = {}): Span | undefined {
    const scope = this.traceScope;
    if (scope === undefined) return undefined;
    return startSpan(scope, name, {
      [SpanAttribute.agentName]: this.agent.name,
      [SpanAttribute.branch]: this.branch,
      [SpanAttribute.invocationId]: this.invocationId,
      ...attributes,
    })[0];
  }

  /**
   * The log this invocation replays against when it is a resume of a paused invocation
   * (see {@link ReplayLog}); undefined in a first run.
   */
  get replay(): ReplayLog | undefined {
    return this.scope.replay;
  }

  /**
   * The session-wide id of the next request this branch makes under `id`:
   * `<invocationId>/<branch>/<id>#<n>`, where n counts the requests of this branch under `id`
   * in the invocation (so a loop's third iteration asks `#3`, never reusing an earlier answer).
   * Throws a `RequestIdCollisionError` (raised by `requestInput`) when one is still waiting.
   */
  nextRequestId(id: string): { readonly requestId: string; readonly key: string } {
    const key = `${this.branch}/${id}`;
    const counts = (this.scope.requestCounts ??= new Map());
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    return { requestId: `${this.invocationId}/${key}#${n}`, key };
  }

  /** Marks a request key as waiting; false when one under the same key already waits (a collision). */
  holdRequest(key: string): boolean {
    const waiting = (this.scope.waiting ??= new Set());
    if (waiting.has(key)) return false;
    waiting.add(key);
    return true;
  }

  /** Counts a model call against `runConfig.maxLlmCalls`; returns the count including this one. */
  incrementLlmCallCount(): number {
    return ++this.scope.llmCalls;
  }
}

// The data a context shares with the contexts derived from it (its methods, per-run flags and the
// four fields derive() changes are not here).
type ContextFields = Pick<
  InvocationContext,
  | 'invocationId'
  | 'session'
  | 'userContent'
  | 'scheduler'
  | 'idGenerator'
  | 'services'
  | 'runConfig'
  | 'iteration'
>;

const NO_TRACKERS: readonly ConflictTracker[] = Object.freeze([]);
const NO_CHECKS: readonly CommitCheck[] = Object.freeze([]);
