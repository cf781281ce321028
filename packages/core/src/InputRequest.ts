import type { Event } from './Event.js';
import type { JsonObject, JsonValue } from './json.js';
import type { Session } from './Session.js';

/**
 * What a request is for: free input (`requestInput`), a tool call waiting for approval, or a
 * long-running tool waiting for its real result.
 */
export type InputRequestKind = 'input' | 'confirmation' | 'longRunning';

/**
 * A request for a person's input, as committed in `actions.requestInput` of the event that asks.
 *
 * @example
 * ```ts
 * import type { InputRequest } from '@rxagents/core';
 * const request: InputRequest = { id: 'inv-1/flow.approve/story#1', kind: 'input', payload: { prompt: 'Approve?' } };
 * ```
 */
export interface InputRequest {
  /** Unique in the session: `<invocationId>/<branch>/<id given by the agent>#<occurrence>`. */
  readonly id: string;
  readonly kind: InputRequestKind;
  /** What the person is shown (a prompt, the tool's name and arguments, a ticket). */
  readonly payload: JsonValue;
  /** JSON Schema of the expected answer, when the agent gave a schema: a remote UI can render it. */
  readonly schema?: JsonObject;
  /** The function call the request belongs to (tool confirmations and long-running tools). */
  readonly callId?: string;
}

/** A request not answered yet, with where it was asked. */
export interface PendingRequest extends InputRequest {
  readonly invocationId: string;
  /** The agent that asked. */
  readonly author: string;
  readonly branch: string;
  /** Id of the event that carries the request. */
  readonly eventId: string;
}

/**
 * Whether the event asks for input (it carries `actions.requestInput`).
 *
 * @example
 * ```ts
 * import { agent, InMemorySessionService, isInputRequest, Runner, requestInput } from '@rxagents/core';
 * import { filter, map } from 'rxjs';
 * const approve = agent('approve', (ctx) =>
 *   requestInput(ctx, { id: 'approve', payload: 'Publish?' }).pipe(map(() => ctx.newEvent({}))),
 * );
 * const runner = new Runner({ appName: 'stories', agent: approve, sessionService: new InMemorySessionService() });
 * runner
 *   .run({ userId: 'u1', sessionId: 's1', newMessage: 'go' })
 *   .pipe(filter(isInputRequest))
 *   .subscribe((event) => console.log(event.actions.requestInput?.payload)); // 'Publish?'
 * ```
 */
export function isInputRequest(event: Event): boolean {
  return event.actions.requestInput !== undefined;
}

/**
 * The requests of a session (or of a list of events) that no later event answers, oldest first:
 * what a paused session waits for, and the ids `RunRequest.resume` takes.
 *
 * @example
 * ```ts
 * import { agent, InMemorySessionService, pendingRequests, Runner, requestInput } from '@rxagents/core';
 * import { lastValueFrom, map } from 'rxjs';
 * const approve = agent('approve', (ctx) =>
 *   requestInput(ctx, { id: 'approve', payload: 'Publish?' }).pipe(map(() => ctx.newEvent({}))),
 * );
 * const sessions = new InMemorySessionService();
 * const runner = new Runner({ appName: 'stories', agent: approve, sessionService: sessions });
 * const key = { appName: 'stories', userId: 'u1', sessionId: 's1' };
 * await lastValueFrom(runner.run({ ...key, newMessage: 'go' }), { defaultValue: undefined }); // pauses
 * const session = await lastValueFrom(sessions.getSession(key));
 * const [request] = session === undefined ? [] : pendingRequests(session);
 * if (request !== undefined) runner.run({ ...key, invocationId: request.invocationId, resume: { [request.id]: true } });
 * ```
 */
export function pendingRequests(source: Session | readonly Event[]): PendingRequest[] {
  const events = 'events' in source ? source.events : source;
  const open = new Map<string, PendingRequest>();
  for (const event of events) {
    const { requestInput, inputAnswers } = event.actions;
    if (requestInput !== undefined) {
      open.set(requestInput.id, {
        ...requestInput,
        invocationId: event.invocationId,
        author: event.author,
        branch: event.branch,
        eventId: event.id,
      });
    }
    if (inputAnswers !== undefined) for (const id in inputAnswers) open.delete(id);
  }
  return [...open.values()];
}
