// Stays one file: the core's fifteen error classes, each a few lines of constructor over
// RxAgentsError, and the open set of codes they carry. Read together they are the list a caller
// matches on; one file per class would scatter that list without making any class easier to read.
/**
 * The codes an {@link RxAgentsError} may carry, as the keys of this interface. It is open: an
 * app or package that raises errors of its own kind adds its codes by augmenting it (declaration
 * merging), so `code` stays a checked union — a typo in a code is a compile error — without
 * every package having to be listed here. Why an interface and not `string`: a closed union made
 * a user's class reuse one of our codes; plain `string` would lose the check.
 *
 * @example
 * ```ts
 * import { RxAgentsError, type RxAgentsErrorCode, registerErrorClass } from '@rxagents/core';
 *
 * declare module '@rxagents/core' {
 *   interface RxAgentsErrorCodes {
 *     QUOTA_EXCEEDED: true;
 *   }
 * }
 *
 * class QuotaExceededError extends RxAgentsError {
 *   constructor(agent: string) {
 *     super('QUOTA_EXCEEDED', `Agent '${agent}': quota exceeded`, { agent, field: 'quota' });
 *   }
 * }
 * registerErrorClass('QUOTA_EXCEEDED', QuotaExceededError);
 * const code: RxAgentsErrorCode = 'QUOTA_EXCEEDED';
 * ```
 */
export interface RxAgentsErrorCodes {
  INVALID_AGENT_CONFIG: true;
  INVALID_STATE: true;
  INVALID_AGENT_OUTPUT: true;
  INVALID_REQUEST: true;
  AGENT_NOT_FOUND: true;
  STATE_CONFLICT: true;
  AGENT_TIMEOUT: true;
  SESSION_NOT_FOUND: true;
  SESSION_EXISTS: true;
  LLM_CALLS_LIMIT_EXCEEDED: true;
  MODEL_CALL_FAILED: true;
  DEPLOYMENT_NOT_FOUND: true;
  DEPLOYMENT_NOT_WAITING: true;
  SESSION_CONFLICT: true;
  SESSION_STORE_FAILED: true;
  BACKEND_UNAVAILABLE: true;
  REMOTE_RUN_FAILED: true;
  GRAPH_STEPS_EXCEEDED: true;
  STATE_SCHEMA: true;
  MCP_TOOL_FAILED: true;
  NOTHING_PENDING: true;
  UNKNOWN_REQUEST: true;
  REQUEST_ALREADY_ANSWERED: true;
  INVALID_ANSWER: true;
  REQUEST_ID_COLLISION: true;
  REPLAY_DIVERGED: true;
}

/** Machine-readable kind of an {@link RxAgentsError}: a key of {@link RxAgentsErrorCodes}. */
export type RxAgentsErrorCode = keyof RxAgentsErrorCodes & string;

/**
 * Base class of every error the framework raises on bad input.
 *
 * Each carries the `agent` it concerns and the `field` that was wrong, so a caller can report
 * precisely without parsing the message.
 *
 * @example
 * ```ts
 * import { RxAgentsError } from '@rxagents/core';
 *
 * // A precise report without parsing the message: what kind of fault, in which agent, on which field.
 * function describe(error: unknown): string {
 *   if (!(error instanceof RxAgentsError)) return String(error);
 *   return `${error.code} (agent ${error.agent ?? '-'}, field ${error.field ?? '-'})`;
 * }
 * ```
 */
export class RxAgentsError extends Error {
  readonly code: RxAgentsErrorCode;
  /** Name of the agent whose configuration or output was wrong, when one is involved. */
  readonly agent: string | undefined;
  /** The option, state key or event field that was wrong. */
  readonly field: string | undefined;

  constructor(
    code: RxAgentsErrorCode,
    message: string,
    details: { agent?: string | undefined; field?: string | undefined; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.agent = details.agent;
    this.field = details.field;
  }
}

/**
 * An agent was constructed with options that cannot work: an invalid or reserved name, duplicate
 * sibling names, a sub-agent that already has a parent, `maxIterations < 1`.
 *
 * @example
 * ```ts
 * import { agent, InvalidAgentConfigError, loop } from '@rxagents/core';
 * import { EMPTY } from 'rxjs';
 *
 * try {
 *   loop('refine', [agent('critic', () => EMPTY)], { maxIterations: 0 });
 * } catch (error) {
 *   if (error instanceof InvalidAgentConfigError) console.log(error.agent, error.field); // refine maxIterations
 * }
 * ```
 */
export class InvalidAgentConfigError extends RxAgentsError {
  constructor(agent: string, field: string, message: string) {
    super('INVALID_AGENT_CONFIG', `Agent '${agent}': ${field}: ${message}`, { agent, field });
  }
}

/**
 * A state delta, key or value that the session cannot hold (a delta that is not a plain object,
 * a reserved key, a non-JSON value, a cycle, nesting past the depth limit).
 *
 * @example
 * ```ts
 * import { InvalidStateError, StateStore } from '@rxagents/core';
 *
 * try {
 *   new StateStore().apply({ temp: Number.NaN });
 * } catch (error) {
 *   if (error instanceof InvalidStateError) console.log(error.key); // 'temp'
 * }
 * ```
 */
export class InvalidStateError extends RxAgentsError {
  /**
   * The state key at fault (`field` holds the full path inside the value, when deeper); `''` and
   * `field` `'stateDelta'` when the delta itself is not a plain object.
   */
  readonly key: string;
  constructor(agent: string | undefined, key: string, path: string, message: string) {
    super(
      'INVALID_STATE',
      `${agent === undefined ? 'State' : `Agent '${agent}'`}: stateDelta${path === '' ? '' : `['${path}']`}: ${message}`,
      { agent, field: path === '' ? 'stateDelta' : path },
    );
    this.key = key;
  }
}

/**
 * An agent produced something the session cannot hold: `runAsyncImpl` (or a function agent)
 * returned something that is not an Observable, or emitted a value that is not a well-formed
 * event (`field` names the event field at fault, e.g. `event.content.parts[0].text`). Nothing of it
 * was committed.
 *
 * @example
 * ```ts
 * import { agent, InMemorySessionService, InvalidAgentOutputError, Runner } from '@rxagents/core';
 * import { of } from 'rxjs';
 *
 * // An event whose text is not a string: refused before anything is committed.
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: { role: 'model', parts: [{ text: 42 as never }] } })));
 * const runner = new Runner({ appName: 'stories', agent: writer, sessionService: new InMemorySessionService() });
 * runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }).subscribe({
 *   error: (e: unknown) => e instanceof InvalidAgentOutputError && console.log(e.field), // 'event.content.parts[0].text'
 * });
 * ```
 */
export class InvalidAgentOutputError extends RxAgentsError {
  /**
   * @param received what was returned (for `runAsyncImpl`), or what is wrong with the field
   * @param field the event field at fault; omitted for a `runAsyncImpl` that returned no Observable
   */
  constructor(agent: string, received: string, field?: string) {
    super(
      'INVALID_AGENT_OUTPUT',
      field === undefined
        ? `Agent '${agent}': runAsyncImpl must return an Observable<Event>, got ${received}`
        : `Agent '${agent}': ${field}: ${received}`,
      { agent, field: field ?? 'runAsyncImpl' },
    );
  }
}

/**
 * A `Runner.run` request that cannot be run: a `newMessage` that is neither a string nor a
 * content, a `stateDelta` that is not a plain object, `resume` without an `invocationId`.
 * Raised before anything is committed; `agent` is the runner's root agent.
 *
 * @example
 * ```ts
 * import { agent, InMemorySessionService, InvalidRequestError, Runner, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: text('a draft') })));
 * const runner = new Runner({ appName: 'stories', agent: writer, sessionService: new InMemorySessionService() });
 * runner.run({ userId: 'u', sessionId: 's', newMessage: 42 as never }).subscribe({
 *   error: (e: unknown) => e instanceof InvalidRequestError && console.log(e.field), // 'newMessage'
 * });
 * ```
 */
export class InvalidRequestError extends RxAgentsError {
  constructor(agent: string, field: string, message: string) {
    super('INVALID_REQUEST', `Agent '${agent}': request.${field}: ${message}`, { agent, field });
  }
}

/**
 * An event asked to transfer to an agent that is not in the agent tree.
 *
 * @example
 * ```ts
 * import { AgentNotFoundError, agent, InMemorySessionService, Runner } from '@rxagents/core';
 * import { of } from 'rxjs';
 *
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ actions: { transferToAgent: 'editor' } })));
 * const runner = new Runner({ appName: 'stories', agent: writer, sessionService: new InMemorySessionService() });
 * runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }).subscribe({
 *   error: (e: unknown) => e instanceof AgentNotFoundError && console.log(e.target), // 'editor'
 * });
 * ```
 */
export class AgentNotFoundError extends RxAgentsError {
  readonly target: string;
  constructor(agent: string, target: string) {
    super(
      'AGENT_NOT_FOUND',
      `Agent '${agent}': actions.transferToAgent: no agent named '${target}' in the agent tree`,
      { agent, field: 'transferToAgent' },
    );
    this.target = target;
  }
}

/**
 * Two branches of one parallel run wrote the same key while `onConflict` is `'error'`.
 *
 * @example
 * ```ts
 * import { agent, InMemorySessionService, parallel, Runner, StateConflictError } from '@rxagents/core';
 * import { of } from 'rxjs';
 *
 * const vote = (name: string) => agent(name, (ctx) => of(ctx.newEvent({ actions: { stateDelta: { verdict: name } } })));
 * const checks = parallel('checks', [vote('grammar'), vote('tone')], { onConflict: 'error' });
 * const runner = new Runner({ appName: 'stories', agent: checks, sessionService: new InMemorySessionService() });
 * runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }).subscribe({
 *   error: (e: unknown) => e instanceof StateConflictError && console.log(e.key, e.branches), // verdict [ 'checks.grammar', 'checks.tone' ]
 * });
 * ```
 */
export class StateConflictError extends RxAgentsError {
  readonly key: string;
  readonly branches: readonly [string, string];
  constructor(agent: string, key: string, first: string, second: string) {
    super(
      'STATE_CONFLICT',
      `Agent '${agent}': stateDelta['${key}']: written by parallel branches '${first}' and '${second}'`,
      { agent, field: key },
    );
    this.key = key;
    this.branches = [first, second];
  }
}

/**
 * An agent wrapped with the `timeout` operator did not finish (or emit) in time.
 *
 * @example
 * ```ts
 * import { AgentTimeoutError, agent, InMemorySessionService, Runner, timeout } from '@rxagents/core';
 * import { NEVER } from 'rxjs';
 *
 * const researcher = agent('researcher', () => NEVER).pipe(timeout(1_000));
 * const runner = new Runner({ appName: 'stories', agent: researcher, sessionService: new InMemorySessionService() });
 * runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }).subscribe({
 *   error: (e: unknown) => e instanceof AgentTimeoutError && console.log(e.milliseconds), // 1000
 * });
 * ```
 */
export class AgentTimeoutError extends RxAgentsError {
  readonly milliseconds: number;
  constructor(agent: string, milliseconds: number) {
    super('AGENT_TIMEOUT', `Agent '${agent}': timeout: no event within ${milliseconds} ms`, {
      agent,
      field: 'timeout',
    });
    this.milliseconds = milliseconds;
  }
}

/**
 * A graph ran more node steps than its `maxSteps` (a cycle that does not end).
 *
 * @example
 * ```ts
 * import { GraphStepsExceededError, graph, InMemorySessionService, Runner } from '@rxagents/core';
 *
 * // A router that never routes to END: the graph stops after maxSteps node runs.
 * const spin = graph('spin', {
 *   nodes: { tick: (s) => ({ n: Number(s.n ?? 0) + 1 }) },
 *   start: 'tick',
 *   edges: [{ from: 'tick', route: () => 'tick' }],
 *   maxSteps: 10,
 * });
 * const runner = new Runner({ appName: 'stories', agent: spin, sessionService: new InMemorySessionService() });
 * runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }).subscribe({
 *   error: (e: unknown) => e instanceof GraphStepsExceededError && console.log(e.lastNode), // 'tick'
 * });
 * ```
 */
export class GraphStepsExceededError extends RxAgentsError {
  readonly maxSteps: number;
  /** The node that ran last, whose routes asked for one step more. */
  readonly lastNode: string;
  constructor(graph: string, lastNode: string, maxSteps: number) {
    super(
      'GRAPH_STEPS_EXCEEDED',
      `Agent '${graph}': maxSteps: more than ${maxSteps} node steps; the last node was '${lastNode}'`,
      { agent: graph, field: 'maxSteps' },
    );
    this.maxSteps = maxSteps;
    this.lastNode = lastNode;
  }
}

/**
 * A graph node's state delta failed the graph's state schema; nothing of the event was committed.
 *
 * @example
 * ```ts
 * import { END, graph, InMemorySessionService, Runner, StateSchemaError, type StateValidator } from '@rxagents/core';
 *
 * const rounds: StateValidator = (state) =>
 *   typeof state.rounds === 'number' ? undefined : { key: 'rounds', message: 'must be a number' };
 * const review = graph('review', {
 *   nodes: { count: () => ({ rounds: 'many' }) },
 *   start: 'count',
 *   edges: [{ from: 'count', to: END }],
 *   state: rounds,
 * });
 * const runner = new Runner({ appName: 'stories', agent: review, sessionService: new InMemorySessionService() });
 * runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }).subscribe({
 *   error: (e: unknown) => e instanceof StateSchemaError && console.log(e.node, e.key), // count rounds
 * });
 * ```
 */
export class StateSchemaError extends RxAgentsError {
  /** The graph whose schema refused the delta. */
  readonly graph: string;
  /** The graph node whose run emitted the event. */
  readonly node: string;
  /** The state key at fault. */
  readonly key: string;
  constructor(graph: string, node: string, key: string, message: string) {
    super('STATE_SCHEMA', `Agent '${graph}': node '${node}': stateDelta['${key}']: ${message}`, {
      agent: node,
      field: key,
    });
    this.graph = graph;
    this.node = node;
    this.key = key;
  }
}

/**
 * A session that was asked for does not exist.
 *
 * @example
 * ```ts
 * import { SessionNotFoundError } from '@rxagents/core';
 *
 * // An HTTP adapter answers 404 for a session a durable store does not hold.
 * const status = (error: unknown) => (error instanceof SessionNotFoundError ? 404 : 500);
 * ```
 */
export class SessionNotFoundError extends RxAgentsError {
  constructor(appName: string, userId: string, sessionId: string) {
    super('SESSION_NOT_FOUND', `Session '${sessionId}' of user '${userId}' in app '${appName}' not found`, {
      field: 'sessionId',
    });
  }
}

/**
 * A session was created with an id that is already taken.
 *
 * @example
 * ```ts
 * import { InMemorySessionService, SessionExistsError } from '@rxagents/core';
 * import { lastValueFrom } from 'rxjs';
 *
 * const sessions = new InMemorySessionService();
 * const request = { appName: 'stories', userId: 'u1', sessionId: 's1' };
 * await lastValueFrom(sessions.createSession(request));
 * await lastValueFrom(sessions.createSession(request)).catch(
 *   (e: unknown) => e instanceof SessionExistsError && console.log(e.code), // 'SESSION_EXISTS'
 * );
 * ```
 */
export class SessionExistsError extends RxAgentsError {
  constructor(appName: string, userId: string, sessionId: string) {
    super('SESSION_EXISTS', `Session '${sessionId}' of user '${userId}' in app '${appName}' already exists`, {
      field: 'sessionId',
    });
  }
}

/**
 * Another writer appended to the session first: the event at this position in the durable log is
 * not the one being appended (the optimistic check on the sequence number failed).
 *
 * @example
 * ```ts
 * import { type RxAgentsError, SessionConflictError } from '@rxagents/core';
 *
 * // Another process appended first: load the session again and re-run, rather than fail the user.
 * const shouldRetry = (error: RxAgentsError) => error instanceof SessionConflictError;
 * ```
 */
export class SessionConflictError extends RxAgentsError {
  readonly sessionId: string;
  readonly position: number;
  constructor(agent: string | undefined, sessionId: string, position: number, message?: string) {
    super(
      'SESSION_CONFLICT',
      message ??
        `Session '${sessionId}': another writer appended event #${position} first${agent === undefined ? '' : ` (appending for agent '${agent}')`}`,
      { agent, field: 'sequence' },
    );
    this.sessionId = sessionId;
    this.position = position;
  }
}

/**
 * A durable session store failed to make an event (or a session) durable. The run fails with it;
 * nothing after the failed event is appended.
 *
 * @example
 * ```ts
 * import { SessionStoreError } from '@rxagents/core';
 *
 * // A session store adapter wraps its driver's failure, keeping it as the cause.
 * const failure = new SessionStoreError('writer', 's1', 'the event was not made durable', new Error('disk full'));
 * console.log(failure.code, failure.sessionId); // SESSION_STORE_FAILED s1
 * ```
 */
export class SessionStoreError extends RxAgentsError {
  readonly sessionId: string;
  constructor(agent: string | undefined, sessionId: string, message: string, cause?: unknown) {
    super('SESSION_STORE_FAILED', `Session '${sessionId}': ${message}`, {
      agent,
      field: 'appendEvent',
      cause,
    });
    this.sessionId = sessionId;
  }
}

/**
 * A backend (database, queue) could not be reached in time: raised instead of hanging.
 *
 * @example
 * ```ts
 * import { BackendUnavailableError } from '@rxagents/core';
 *
 * // Raised instead of hanging when a database or queue does not answer in time.
 * const unreachable = new BackendUnavailableError('postgres', 'no connection within 5000 ms');
 * console.log(unreachable.backend, unreachable.field); // postgres postgres
 * ```
 */
export class BackendUnavailableError extends RxAgentsError {
  readonly backend: string;
  constructor(backend: string, message: string, cause?: unknown) {
    super('BACKEND_UNAVAILABLE', `${backend}: ${message}`, { field: backend, cause });
    this.backend = backend;
  }
}
