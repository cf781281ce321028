import { concatMap, defaultIfEmpty, defer, isObservable, type Observable, of, take, throwError } from 'rxjs';
import { CallbackContext } from './CallbackContext.js';
import type { Event } from './Event.js';
import { InvalidAgentConfigError } from './errors.js';
import type { InputRequest, InputRequestKind } from './InputRequest.js';
import type { InvocationContext } from './InvocationContext.js';
import { InvocationPaused } from './InvocationPaused.js';
import type { JsonObject, JsonValue } from './json.js';
import { InvalidAnswerError, ReplayDivergedError, RequestIdCollisionError } from './resumeErrors.js';

/**
 * A schema for an answer, in the Standard Schema shape that zod 4 (and valibot, arktype) schemas
 * have: validated when the answer arrives, and sent as JSON Schema with the request when the
 * schema offers one (zod does), so a remote UI can render a form for it.
 */
export interface AnswerSchema<T> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => AnswerValidation<T> | PromiseLike<AnswerValidation<T>>;
    readonly jsonSchema?: { readonly input: (options: { readonly target: string }) => unknown };
  };
}

/** What an {@link AnswerSchema} says of a value. */
export type AnswerValidation<T> =
  | { readonly value: T; readonly issues?: undefined }
  | {
      readonly issues: readonly {
        readonly message: string;
        readonly path?: readonly unknown[] | undefined;
      }[];
    };

/** Options of {@link requestInput}. */
export interface RequestInputOptions<T> {
  /**
   * Names the request within the agent's branch (letters, digits, `_`, `-`, `.`, `:`). The
   * session-wide id adds the invocation, the branch and the occurrence: `<invocation>/<branch>/<id>#<n>`.
   */
  readonly id: string;
  /**
   * What the person is shown. An Observable is subscribed only when the request is first made,
   * never when a resume replays it (a long-running tool starts its job there, once).
   */
  readonly payload?: JsonValue | Observable<JsonValue>;
  /** Checks the answer (typed error on a mismatch, nothing committed) and types it. */
  readonly schema?: AnswerSchema<T>;
  /** Default `'input'`; tools use `'confirmation'` and `'longRunning'`. */
  readonly kind?: InputRequestKind;
  /** The function call the request belongs to (tool confirmations and long-running tools). */
  readonly callId?: string;
}

const ID = /^[A-Za-z0-9_.:-]+$/;

/**
 * Asks a person for input, from any agent at any depth: a custom `runAsyncImpl`, a function
 * agent, a tool (pass its `ToolContext`), an operator agent, a goal-seeker phase.
 *
 * The first time, the request becomes an event (`actions.requestInput`, committed and durable)
 * and the invocation pauses: the returned Observable fails with the {@link InvocationPaused}
 * signal, the agent stops there, and the `Runner` completes its stream with the request as the
 * last event of that branch. `runner.run({ …, resume: { [requestId]: answer } })` re-runs the
 * invocation over its log; this time the Observable emits the answer (checked against `schema`)
 * and completes, and the agent carries on. Everything before it that the log holds is not done
 * again (see `ReplayLog`).
 *
 * @example
 * ```ts
 * import { agent, requestInput, text } from '@rxagents/core';
 * import { concatMap, of } from 'rxjs';
 * import { z } from 'zod';
 *
 * const approver = agent('approver', (ctx) =>
 *   requestInput(ctx, {
 *     id: 'approve',
 *     payload: { prompt: `Publish "${String(ctx.state.get('story'))}"?` },
 *     schema: z.object({ approved: z.boolean() }),
 *   }).pipe(
 *     concatMap(({ approved }) =>
 *       of(ctx.newEvent({ content: text(approved ? 'published' : 'dropped'), actions: { stateDelta: { approved } } })),
 *     ),
 *   ),
 * );
 * ```
 * @see pendingRequests, isInputRequest, InvocationPaused
 */
export function requestInput<T = JsonValue>(
  context: InvocationContext | CallbackContext,
  options: RequestInputOptions<T>,
): Observable<T> {
  return defer(() => {
    const ctx = context instanceof CallbackContext ? context.invocation : context;
    const agent = ctx.agent.name;
    if (typeof options.id !== 'string' || !ID.test(options.id)) {
      throw new InvalidAgentConfigError(
        agent,
        'requestInput.id',
        `'${String(options.id)}' is not a request id`,
      );
    }
    const { requestId, key } = ctx.nextRequestId(options.id);
    const replay = ctx.replay;
    const answer = replay?.answer(requestId);
    if (answer !== undefined) {
      const value = validated(agent, requestId, options.schema, answer.value);
      if (replay!.check && answer.fresh) {
        // The dry pass of a resume: the answer is good; release nothing yet.
        replay!.reached.add(requestId);
        return throwError(() => new InvocationPaused([requestId]));
      }
      return of(value);
    }
    if (!ctx.holdRequest(key)) return throwError(() => new RequestIdCollisionError(agent, requestId));
    const recorded = replay?.request(requestId);
    if (recorded !== undefined) return throwError(() => new InvocationPaused([requestId], [recorded]));
    if (replay?.check === true) {
      return throwError(
        () => new ReplayDivergedError(agent, 'requestInput', `request '${requestId}' is not in the log`),
      );
    }
    return payloadOf(options.payload).pipe(
      take(1),
      // A payload that completes empty still asks (with null).
      defaultIfEmpty<JsonValue, JsonValue>(null),
      concatMap((payload) =>
        throwError(
          () => new InvocationPaused([requestId], [requestEvent(ctx, request(requestId, options, payload))]),
        ),
      ),
    );
  });
}

// The event that carries a request: authored by the asking agent on its branch, its id the request's.
function requestEvent(ctx: InvocationContext, request: InputRequest): Event {
  return Object.freeze({
    id: request.id,
    invocationId: ctx.invocationId,
    author: ctx.agent.name,
    branch: ctx.branch,
    timestamp: ctx.scheduler.now(),
    actions: Object.freeze({ stateDelta: Object.freeze({}), requestInput: Object.freeze(request) }),
  });
}

function payloadOf(payload: JsonValue | Observable<JsonValue> | undefined): Observable<JsonValue> {
  if (payload === undefined) return of(null);
  return isObservable(payload) ? payload : of(payload);
}

function request<T>(id: string, options: RequestInputOptions<T>, payload: JsonValue): InputRequest {
  const out: { -readonly [K in keyof InputRequest]: InputRequest[K] } = {
    id,
    kind: options.kind ?? 'input',
    payload,
  };
  const schema = jsonSchemaOf(options.schema);
  if (schema !== undefined) out.schema = schema;
  if (options.callId !== undefined) out.callId = options.callId;
  return out;
}

function jsonSchemaOf<T>(schema: AnswerSchema<T> | undefined): JsonObject | undefined {
  const convert = schema?.['~standard'].jsonSchema;
  if (convert === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(convert.input({ target: 'draft-2020-12' }))) as JsonObject;
  } catch {
    // A schema with no JSON form (a transform, a custom check) is still checked on the answer.
    return undefined;
  }
}

function validated<T>(
  agent: string,
  requestId: string,
  schema: AnswerSchema<T> | undefined,
  value: JsonValue,
): T {
  if (schema === undefined) return value as T;
  const result = schema['~standard'].validate(value);
  if (typeof (result as PromiseLike<unknown>).then === 'function') {
    throw new InvalidAnswerError(agent, requestId, [
      'the schema validates asynchronously; use a synchronous one',
    ]);
  }
  const checked = result as AnswerValidation<T>;
  if (checked.issues !== undefined) {
    throw new InvalidAnswerError(
      agent,
      requestId,
      checked.issues.map((i) =>
        i.path === undefined || i.path.length === 0 ? i.message : `${i.path.join('.')}: ${i.message}`,
      ),
    );
  }
  return checked.value;
}
