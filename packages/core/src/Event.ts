import type { Content } from './Content.js';
import type { InputRequest } from './InputRequest.js';
import type { JsonValue } from './json.js';
import type { StateDelta } from './StateStore.js';

/** What an event asks of the framework besides carrying content. */
export interface EventActions {
  /** State changes, committed to the session before the next event is produced. */
  readonly stateDelta: StateDelta;
  /** Stop the nearest enclosing `LoopAgent` (and, unconsumed, the enclosing `ParallelAgent`). */
  readonly escalate?: boolean;
  /** Hand the conversation to the named agent of the same tree. */
  readonly transferToAgent?: string;
  /** A tool result the model need not summarise. */
  readonly skipSummarization?: boolean;
  /** Stop the agent that emitted this event, right after it. */
  readonly endInvocation?: boolean;
  /** This event asks a person for input: the invocation pauses until it is answered (see `requestInput`). */
  readonly requestInput?: InputRequest;
  /** This (user's) event answers pending requests: request id → answer (see `RunRequest.resume`). */
  readonly inputAnswers?: Readonly<Record<string, JsonValue>>;
}

/** A key written by two branches of one parallel run (the later write won). */
export interface StateConflict {
  readonly key: string;
  /** Branch that wrote the key first. */
  readonly previousBranch: string;
  /** Branch of this event, whose write won. */
  readonly branch: string;
}

/** Token counts reported by a model, when known. */
export interface Usage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly totalTokens?: number;
}

/**
 * One immutable record of an invocation: something an agent (or the user) said or did.
 * Created with `ctx.newEvent(…)`, which stamps id, invocation, author, branch and timestamp.
 */
export interface Event {
  readonly id: string;
  readonly invocationId: string;
  /** Agent name, or `'user'`. */
  readonly author: string;
  /** Dot path of the agent chain, e.g. `root.fanout.a`. */
  readonly branch: string;
  /** Milliseconds from the invocation's scheduler (virtual under a TestScheduler). */
  readonly timestamp: number;
  readonly content?: Content;
  /** A streamed chunk; partial events are never committed or persisted. */
  readonly partial?: boolean;
  readonly turnComplete?: boolean;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly finishReason?: string;
  readonly usage?: Usage;
  readonly actions: EventActions;
  /** Set when this event overwrote a key another parallel branch had written in the same run. */
  readonly stateConflicts?: readonly StateConflict[];
  /**
   * Which run of its graph node produced this event, from the second run on (a node inside a
   * cycle: `2`, `3`, …); absent on a node's first run and outside graphs.
   */
  readonly iteration?: number;
}

/** What a caller supplies to `ctx.newEvent`; the rest is stamped. */
export type EventInit = Omit<Partial<Event>, 'actions' | 'id' | 'invocationId' | 'timestamp'> & {
  readonly actions?: Partial<EventActions>;
};

/** The fields `ctx.newEvent` stamps on every event, and `actions`, which it normalises. */
type StampedField = 'id' | 'invocationId' | 'author' | 'branch' | 'timestamp' | 'actions';

// Every other field of an Event but `content` (which the literal below takes), carried from the
// init as it is.
type CopiedField = Exclude<keyof Event, StampedField | 'content'>;

// Whether an init's key is a copied field: the one list a new Event field joins (the switch fails
// to compile until it names every field of the interface above). A switch, not a lookup in an
// object of the names: a keyed load with a different key on each call is megamorphic, 1% of W2's
// samples, none after (wall time within the spread, 2026-12-04).
function isCopiedField(key: string): boolean {
  const field = key as CopiedField;
  switch (field) {
    case 'partial':
    case 'turnComplete':
    case 'errorCode':
    case 'errorMessage':
    case 'finishReason':
    case 'usage':
    case 'stateConflicts':
    case 'iteration':
      return true;
    default:
      // Every copied field has its case: a new one leaves `field` a string here.
      field satisfies never;
      return false;
  }
}

/**
 * @internal Builds a frozen event: a fixed literal of the stamped fields and `content`, then every
 * other field of the init that {@link isCopiedField} names and that is defined (`iteration` falls
 * back to the context's). Not a spread of `init`, which made event construction ten times slower
 * (objects built by spread of unknown shape leave V8's fast path); a for…in over the init's own
 * few keys rather than a read of every optional field.
 */
export function buildEvent(
  id: string,
  invocationId: string,
  author: string,
  branch: string,
  timestamp: number,
  init: EventInit,
  iteration: number | undefined,
): Event {
  const actions = normalizeActions(init.actions);
  const content = init.content;
  // Content (which most events have) in the literal: a literal has room for its own fields only,
  // so a field added after it goes to a separate property array, 40 B per event (W5).
  const event: Record<string, unknown> =
    content === undefined
      ? { id, invocationId, author, branch, timestamp, actions }
      : { id, invocationId, author, branch, timestamp, actions, content };
  for (const key in init) {
    if (!isCopiedField(key)) continue;
    const value = (init as Record<string, unknown>)[key];
    if (value !== undefined) event[key] = value;
  }
  if (iteration !== undefined && event.iteration === undefined) event.iteration = iteration;
  return Object.freeze(event) as unknown as Event;
}

const NO_DELTA: StateDelta = Object.freeze({});
const NO_ACTIONS: EventActions = Object.freeze({ stateDelta: NO_DELTA });

/**
 * @internal Builds the frozen actions record. An actions object that already has a stateDelta is
 * frozen in place (like immer does with what it produces); otherwise the known fields are copied
 * onto a fixed literal — no spread, which is slow for objects of unknown shape.
 */
export function normalizeActions(actions: Partial<EventActions> | undefined): EventActions {
  if (actions === undefined) return NO_ACTIONS;
  if (actions.stateDelta !== undefined) return Object.freeze(actions as EventActions);
  const out: { -readonly [K in keyof EventActions]: EventActions[K] } = { stateDelta: NO_DELTA };
  if (actions.escalate !== undefined) out.escalate = actions.escalate;
  if (actions.transferToAgent !== undefined) out.transferToAgent = actions.transferToAgent;
  if (actions.skipSummarization !== undefined) out.skipSummarization = actions.skipSummarization;
  if (actions.endInvocation !== undefined) out.endInvocation = actions.endInvocation;
  if (actions.requestInput !== undefined) out.requestInput = actions.requestInput;
  if (actions.inputAnswers !== undefined) out.inputAnswers = actions.inputAnswers;
  return Object.freeze(out);
}

/**
 * Whether the event is an agent's final word for this turn, as ADK defines it: not partial, no
 * pending function call or response (unless summarisation is skipped).
 *
 * @example
 * ```ts
 * import { agent, InMemorySessionService, isFinalResponse, Runner, text } from '@rxagents/core';
 * import { filter, of } from 'rxjs';
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: text('a draft') })));
 * const runner = new Runner({ appName: 'stories', agent: writer, sessionService: new InMemorySessionService() });
 * runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }).pipe(filter(isFinalResponse));
 * ```
 */
export function isFinalResponse(event: Event): boolean {
  if (event.actions.skipSummarization === true) return true;
  if (event.partial === true) return false;
  const parts = event.content?.parts;
  if (parts === undefined) return true;
  for (const part of parts) {
    if ('functionCall' in part || 'functionResponse' in part) return false;
  }
  return true;
}

/**
 * Whether the event carries at least one state change.
 *
 * @example
 * ```ts
 * import { agent, hasStateDelta, InMemorySessionService, Runner } from '@rxagents/core';
 * import { filter, of } from 'rxjs';
 *
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ actions: { stateDelta: { draft: 'v1' } } })));
 * const runner = new Runner({ appName: 'stories', agent: writer, sessionService: new InMemorySessionService() });
 * runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' })
 *   .pipe(filter(hasStateDelta))
 *   .subscribe((event) => console.log(event.actions.stateDelta)); // { draft: 'v1' }
 * ```
 */
export function hasStateDelta(event: Event): boolean {
  for (const _ in event.actions.stateDelta) return true;
  return false;
}
