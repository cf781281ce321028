import { type Content, text } from '../Content.js';
import { pendingRequests } from '../InputRequest.js';
import type { JsonValue } from '../json.js';
import type { RunRequest } from '../Runner.js';
import type { Session } from '../Session.js';

// A string becomes a frozen user's text at once; given content is copied with the user's role.
export function userContentOf(message: Content | string | undefined): Content | undefined {
  return typeof message === 'string'
    ? text(message, 'user')
    : message === undefined
      ? undefined
      : { ...message, role: 'user' };
}

// The answers a request brings: `resume` as an object, or a message whose function responses
// answer pending long-running tool calls (routed to the agent that made the call).
export function answersOf(
  session: Session,
  request: RunRequest,
): Readonly<Record<string, JsonValue>> | undefined {
  const { resume } = request;
  if (typeof resume === 'object' && resume !== null) return resume;
  const message = request.newMessage;
  if (typeof message !== 'object' || !message.parts.some((p) => 'functionResponse' in p)) return undefined;
  const waiting = pendingRequests(session).filter((p) => p.kind === 'longRunning' && p.callId !== undefined);
  if (waiting.length === 0) return undefined;
  const answers: Record<string, JsonValue> = {};
  let any = false;
  for (const part of message.parts) {
    if (!('functionResponse' in part)) continue;
    const request = waiting.find((p) => p.callId === part.functionResponse.id);
    if (request === undefined) continue;
    answers[request.id] = part.functionResponse.response;
    any = true;
  }
  return any ? answers : undefined;
}
