// Namespace imports: the registry names each class once, in CORE, not also in an import list.
import * as core from './errors.js';
import { RxAgentsError, type RxAgentsErrorCode } from './errors.js';
import * as resume from './resumeErrors.js';

/** A class of {@link RxAgentsError} that {@link errorFromCode} can rebuild. */
export type RxAgentsErrorClass = abstract new (...args: never[]) => RxAgentsError;

/** What {@link errorFromCode} knows of an error besides its code and message. */
export interface ErrorDetails {
  /** The error's `name` (its class name where it was raised); picks the class among those of the code. */
  readonly name?: string | undefined;
  readonly agent?: string | undefined;
  readonly field?: string | undefined;
  /** The class's own fields (`sessionId`, `backend`, `statusCode`, …), copied onto the error. */
  readonly fields?: Readonly<Record<string, unknown>> | undefined;
}

// code → (class name → class). A code names a kind of failure, and several classes may share it
// (`MissingStateKeyError` is an `INVALID_STATE` like `InvalidStateError`), so the name picks one.
const registry = new Map<string, Map<string, RxAgentsErrorClass>>();
// Set from the arguments, never from `details.fields`.
const OWN = new Set(['name', 'message', 'stack', 'code', 'agent', 'field', 'cause']);

/**
 * Adds an error class to the one open registry (code → class) that {@link errorFromCode} reads.
 * Every `@rxagents/*` package registers its own classes when it is imported, so an error that
 * crossed a process boundary (a BullMQ worker's failure reaching a `RemoteRunner`) comes back as
 * an instance of its class wherever that class's package is loaded; your own `RxAgentsError`
 * subclasses can join the same way. Registering a class again under the same code and name
 * replaces the earlier one.
 *
 * @example
 * ```ts
 * import { RxAgentsError, registerErrorClass } from '@rxagents/core';
 *
 * class QuotaExceededError extends RxAgentsError {
 *   constructor(agent: string) {
 *     super('LLM_CALLS_LIMIT_EXCEEDED', `Agent '${agent}': quota exceeded`, { agent, field: 'quota' });
 *   }
 * }
 * registerErrorClass('LLM_CALLS_LIMIT_EXCEEDED', QuotaExceededError);
 * ```
 * @param code The `code` every instance of the class carries.
 * @param errorClass The class; its `name` is the key within the code.
 */
export function registerErrorClass(code: RxAgentsErrorCode, errorClass: RxAgentsErrorClass): void {
  let classes = registry.get(code);
  if (classes === undefined) {
    classes = new Map();
    registry.set(code, classes);
  }
  classes.set(errorClass.name, errorClass);
}

/**
 * Rebuilds an error from its code, message and details, as an instance of its registered class
 * (the one of that `code` and `name`; without a name, the first class registered for the code),
 * so `instanceof` works as it did where the error was raised. The constructor is not run: the
 * fields come from `details`. A code or name that is not registered in this process (its
 * package is not loaded here) gives a plain `RxAgentsError` carrying the code, the message,
 * `agent`, `field`, the other fields, and the original `name`.
 *
 * @example
 * ```ts
 * import { errorFromCode, SessionConflictError } from '@rxagents/core';
 *
 * const error = errorFromCode('SESSION_CONFLICT', "Session 's1': another writer appended event #3 first", {
 *   name: 'SessionConflictError',
 *   field: 'sequence',
 *   fields: { sessionId: 's1', position: 3 },
 * });
 * console.log(error instanceof SessionConflictError); // true
 * ```
 */
export function errorFromCode(code: string, message: string, details: ErrorDetails = {}): RxAgentsError {
  const error = new RxAgentsError(code as RxAgentsErrorCode, message, {
    agent: details.agent,
    field: details.field,
  });
  const classes = registry.get(code);
  const errorClass = details.name === undefined ? classes?.values().next().value : classes?.get(details.name);
  if (errorClass !== undefined) Object.setPrototypeOf(error, errorClass.prototype);
  error.name = details.name ?? errorClass?.name ?? error.name;
  for (const [key, value] of Object.entries(details.fields ?? {})) {
    if (!OWN.has(key)) Object.assign(error, { [key]: value });
  }
  return error;
}

/**
 * Every class in the registry with its code, in the order they were registered: which errors
 * this process can rebuild as their own class.
 *
 * @example
 * ```ts
 * import { registeredErrorClasses } from '@rxagents/core';
 *
 * console.log(registeredErrorClasses().map(({ code, errorClass }) => `${code}: ${errorClass.name}`));
 * ```
 */
export function registeredErrorClasses(): readonly {
  readonly code: string;
  readonly errorClass: RxAgentsErrorClass;
}[] {
  return [...registry].flatMap(([code, classes]) =>
    [...classes.values()].map((errorClass) => ({ code, errorClass })),
  );
}

// The core's own classes, in the module that every lookup goes through. The first of a code is
// its default (InvalidAgentConfigError before the workloads' InvalidDeploymentConfigError).
const CORE: readonly (readonly [RxAgentsErrorCode, RxAgentsErrorClass])[] = [
  ['INVALID_AGENT_CONFIG', core.InvalidAgentConfigError],
  ['INVALID_STATE', core.InvalidStateError],
  ['INVALID_REQUEST', core.InvalidRequestError],
  ['INVALID_AGENT_OUTPUT', core.InvalidAgentOutputError],
  ['AGENT_NOT_FOUND', core.AgentNotFoundError],
  ['STATE_CONFLICT', core.StateConflictError],
  ['AGENT_TIMEOUT', core.AgentTimeoutError],
  ['SESSION_NOT_FOUND', core.SessionNotFoundError],
  ['SESSION_EXISTS', core.SessionExistsError],
  ['SESSION_CONFLICT', core.SessionConflictError],
  ['SESSION_STORE_FAILED', core.SessionStoreError],
  ['BACKEND_UNAVAILABLE', core.BackendUnavailableError],
  ['GRAPH_STEPS_EXCEEDED', core.GraphStepsExceededError],
  ['STATE_SCHEMA', core.StateSchemaError],
  ['NOTHING_PENDING', resume.NothingPendingError],
  ['UNKNOWN_REQUEST', resume.UnknownRequestError],
  ['REQUEST_ALREADY_ANSWERED', resume.RequestAlreadyAnsweredError],
  ['INVALID_ANSWER', resume.InvalidAnswerError],
  ['REQUEST_ID_COLLISION', resume.RequestIdCollisionError],
  ['REPLAY_DIVERGED', resume.ReplayDivergedError],
];
for (const [code, errorClass] of CORE) registerErrorClass(code, errorClass);
