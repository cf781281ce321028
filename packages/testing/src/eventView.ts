import type {
  Content,
  Event,
  InputRequestKind,
  JsonValue,
  StateConflict,
  StateDelta,
  Usage,
} from '@rxagents/core';

/**
 * A request as a test compares it: the id the agent gave with its occurrence (`'approve#1'`, the
 * part after the branch in the session-wide id), the kind, the payload, the call it belongs to.
 */
export interface RequestView {
  readonly id: string;
  readonly kind: InputRequestKind;
  readonly payload: JsonValue;
  readonly callId?: string;
}

// The agent's own part of a session-wide request id: `<invocation>/<branch>/<own>`.
function ownId(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}

import { text } from '@rxagents/core';

/**
 * An expected event, as written in tests: where it comes from (`branch`, and `author` when it is
 * not the last segment of the branch) and what it carries.
 *
 * Always compared: author, branch, content, stateDelta, escalate, transferToAgent, endInvocation,
 * partial, errorCode, errorMessage — a field left out means "absent" (no content, empty delta,
 * flag not set). Compared only when given: id, invocationId, timestamp, turnComplete,
 * finishReason, usage, skipSummarization, stateConflicts.
 *
 * @example
 * ```ts
 * import type { ExpectedEvent } from '@rxagents/testing';
 * const draft: ExpectedEvent = { branch: 'flow.writer', content: 'draft', stateDelta: { draft: 'v1' } };
 * const user: ExpectedEvent = { author: 'user', branch: '', content: { role: 'user', parts: [{ text: 'go' }] } };
 * ```
 */
export interface ExpectedEvent {
  /** Dot path of the agent chain, e.g. `'flow.writer'` (`''` for the user's event). */
  readonly branch: string;
  /** Default: the last segment of `branch`. Required when the branch is `''`. */
  readonly author?: string;
  /** A string stands for one model text part (`text(value)`). */
  readonly content?: string | Content;
  readonly stateDelta?: StateDelta;
  readonly escalate?: boolean;
  readonly transferToAgent?: string;
  readonly endInvocation?: boolean;
  readonly partial?: boolean;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** The request this event makes (`actions.requestInput`), ids shortened to the agent's part. */
  readonly request?: RequestView;
  /** The answers this event gives (`actions.inputAnswers`), keyed by the agent's part of the id. */
  readonly answers?: Readonly<Record<string, JsonValue>>;
  readonly skipSummarization?: boolean;
  readonly turnComplete?: boolean;
  readonly finishReason?: string;
  readonly usage?: Usage;
  readonly stateConflicts?: readonly StateConflict[];
  readonly id?: string;
  readonly invocationId?: string;
  readonly timestamp?: number;
}

/**
 * The comparable projection of an event: what {@link ExpectedEvent} describes, with content
 * shortened to its text when it is one plain model text part, and unset flags left out.
 *
 * @example
 * ```ts
 * import { eventView, type EventView } from '@rxagents/testing';
 * const view: EventView = eventView(event); // { author: 'writer', branch: 'flow.writer', content: 'draft' }
 * ```
 */
export type EventView = Omit<ExpectedEvent, 'author' | 'escalate' | 'endInvocation' | 'partial'> & {
  readonly author: string;
  // A view sets a flag only when the event does: `false` never appears.
  readonly escalate?: true;
  readonly endInvocation?: true;
  readonly partial?: true;
};

/** Fields compared only when the expected event gives them. */
const ON_REQUEST = [
  'skipSummarization',
  'turnComplete',
  'finishReason',
  'usage',
  'stateConflicts',
  'id',
  'invocationId',
  'timestamp',
] as const;

/**
 * Projects an event to the fields a test compares; `like` (an expected event) adds the fields
 * compared only on request (ids, timestamps, usage, …) that it gives.
 *
 * @example
 * ```ts
 * import { agent, InMemorySessionService, Runner, text } from '@rxagents/core';
 * import { eventView } from '@rxagents/testing';
 * import { lastValueFrom, of, toArray } from 'rxjs';
 * import { expect } from 'vitest';
 *
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: text('draft'), actions: { stateDelta: { draft: 'v1' } } })));
 * const runner = new Runner({ appName: 'stories', agent: writer, sessionService: new InMemorySessionService() });
 * const events = await lastValueFrom(runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }).pipe(toArray()));
 * expect(events.map((e) => eventView(e))).toEqual([
 *   { author: 'writer', branch: 'writer', content: 'draft', stateDelta: { draft: 'v1' } },
 * ]);
 * ```
 * @param event the event to project
 * @param like an expected event whose optional fields (id, timestamp, …) should be kept
 */
export function eventView(event: Event, like?: ExpectedEvent): EventView {
  const { actions } = event;
  const view: Record<string, unknown> = { author: event.author, branch: event.branch };
  if (event.content !== undefined) view.content = shortContent(event.content);
  if (Object.keys(actions.stateDelta).length > 0) view.stateDelta = actions.stateDelta;
  if (actions.escalate === true) view.escalate = true;
  if (actions.transferToAgent !== undefined) view.transferToAgent = actions.transferToAgent;
  if (actions.endInvocation === true) view.endInvocation = true;
  if (event.partial === true) view.partial = true;
  if (event.errorCode !== undefined) view.errorCode = event.errorCode;
  if (event.errorMessage !== undefined) view.errorMessage = event.errorMessage;
  const request = actions.requestInput;
  if (request !== undefined) {
    const shown: Record<string, unknown> = {
      id: ownId(request.id),
      kind: request.kind,
      payload: request.payload,
    };
    if (request.callId !== undefined) shown.callId = request.callId;
    view.request = shown;
  }
  if (actions.inputAnswers !== undefined) {
    const shown: Record<string, JsonValue> = {};
    for (const [id, answer] of Object.entries(actions.inputAnswers)) shown[ownId(id)] = answer;
    view.answers = shown;
  }
  if (like !== undefined) {
    const source: Record<string, unknown> = { ...event, skipSummarization: actions.skipSummarization };
    for (const key of ON_REQUEST) if (like[key] !== undefined) view[key] = source[key];
  }
  return view as unknown as EventView;
}

/** The view an expected event stands for (same shape as {@link eventView} gives). */
export function expectedView(expected: ExpectedEvent): EventView {
  const { branch } = expected;
  const author = expected.author ?? branch.slice(branch.lastIndexOf('.') + 1);
  if (author === '') {
    throw new Error("expected event with branch '' needs an author (e.g. author: 'user')");
  }
  const view: Record<string, unknown> = { author, branch };
  if (expected.content !== undefined) {
    view.content = shortContent(
      typeof expected.content === 'string' ? text(expected.content) : expected.content,
    );
  }
  if (expected.stateDelta !== undefined && Object.keys(expected.stateDelta).length > 0) {
    view.stateDelta = expected.stateDelta;
  }
  if (expected.escalate === true) view.escalate = true;
  if (expected.transferToAgent !== undefined) view.transferToAgent = expected.transferToAgent;
  if (expected.endInvocation === true) view.endInvocation = true;
  if (expected.partial === true) view.partial = true;
  if (expected.errorCode !== undefined) view.errorCode = expected.errorCode;
  if (expected.errorMessage !== undefined) view.errorMessage = expected.errorMessage;
  if (expected.request !== undefined) view.request = expected.request;
  if (expected.answers !== undefined) view.answers = expected.answers;
  for (const key of ON_REQUEST) if (expected[key] !== undefined) view[key] = expected[key];
  return view as unknown as EventView;
}

function shortContent(content: Content): string | Content {
  const [only, ...rest] = content.parts;
  if (content.role === 'model' && only !== undefined && rest.length === 0 && 'text' in only) {
    if (only.thought !== true && Object.keys(only).length === 1) return only.text;
  }
  return content;
}
