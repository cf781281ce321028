/** Machine-readable kind of an {@link RxAgentsError}, for every `@rxagents/*` package. */
export type RxAgentsErrorCode =
  | 'INVALID_AGENT_CONFIG'
  | 'INVALID_STATE'
  | 'INVALID_AGENT_OUTPUT'
  | 'INVALID_REQUEST'
  | 'AGENT_NOT_FOUND'
  | 'STATE_CONFLICT'
  | 'AGENT_TIMEOUT'
  | 'SESSION_NOT_FOUND'
  | 'SESSION_EXISTS'
  | 'LLM_CALLS_LIMIT_EXCEEDED'
  | 'MODEL_CALL_FAILED'
  | 'DEPLOYMENT_NOT_FOUND'
  | 'DEPLOYMENT_NOT_WAITING'
  | 'SESSION_CONFLICT'
  | 'SESSION_STORE_FAILED'
  | 'BACKEND_UNAVAILABLE'
  | 'REMOTE_RUN_FAILED'
  | 'GRAPH_STEPS_EXCEEDED'
  | 'STATE_SCHEMA'
  | 'MCP_TOOL_FAILED'
  | 'NOTHING_PENDING'
  | 'UNKNOWN_REQUEST'
  | 'REQUEST_ALREADY_ANSWERED'
  | 'INVALID_ANSWER'
  | 'REQUEST_ID_COLLISION'
  | 'REPLAY_DIVERGED';

/**
 * Base class of every error the framework raises on bad input.
 *
 * Each carries the `agent` it concerns and the `field` that was wrong, so a caller can report
 * precisely without parsing the message.
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
 */
export class InvalidAgentConfigError extends RxAgentsError {
  constructor(agent: string, field: string, message: string) {
    super('INVALID_AGENT_CONFIG', `Agent '${agent}': ${field}: ${message}`, { agent, field });
  }
}

/**
 * A state delta, key or value that the session cannot hold (a delta that is not a plain object,
 * a reserved key, a non-JSON value, a cycle, nesting past the depth limit).
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
 * import { InvalidRequestError } from '@rxagents/core';
 * runner.run({ userId: 'u', sessionId: 's', newMessage: 42 as never })
 *   .subscribe({ error: (e) => e instanceof InvalidRequestError && console.log(e.field) }); // 'newMessage'
 * ```
 */
export class InvalidRequestError extends RxAgentsError {
  constructor(agent: string, field: string, message: string) {
    super('INVALID_REQUEST', `Agent '${agent}': request.${field}: ${message}`, { agent, field });
  }
}

/** An event asked to transfer to an agent that is not in the agent tree. */
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

/** Two branches of one parallel run wrote the same key while `onConflict` is `'error'`. */
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

/** An agent wrapped with the `timeout` operator did not finish (or emit) in time. */
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

/** A graph ran more node steps than its `maxSteps` (a cycle that does not end). */
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

/** A graph node's state delta failed the graph's state schema; nothing of the event was committed. */
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

/** A session that was asked for does not exist. */
export class SessionNotFoundError extends RxAgentsError {
  constructor(appName: string, userId: string, sessionId: string) {
    super('SESSION_NOT_FOUND', `Session '${sessionId}' of user '${userId}' in app '${appName}' not found`, {
      field: 'sessionId',
    });
  }
}

/** A session was created with an id that is already taken. */
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

/** A backend (database, queue) could not be reached in time: raised instead of hanging. */
export class BackendUnavailableError extends RxAgentsError {
  readonly backend: string;
  constructor(backend: string, message: string, cause?: unknown) {
    super('BACKEND_UNAVAILABLE', `${backend}: ${message}`, { field: backend, cause });
    this.backend = backend;
  }
}
