import type { Content, JsonValue, StateDelta } from '@rxagents/core';
import { HttpError } from '../HttpError.js';
import type { DisconnectPolicy } from './LiveRun.js';

/** What a run request's body holds once checked. */
export interface RunBody {
  readonly newMessage?: Content | string;
  readonly stateDelta?: StateDelta;
  /** Answers to the session's pending requests, by request id: the run resumes the paused invocation. */
  readonly resume?: Readonly<Record<string, JsonValue>>;
  readonly onDisconnect: DisconnectPolicy;
}

/** Checks a run request's body field by field, naming the first wrong one. */
export function parseRunBody(body: unknown): RunBody {
  const record = asRecord(body, 'body');
  const { message, stateDelta, onDisconnect, resume } = record;
  if (onDisconnect !== undefined && onDisconnect !== 'cancel' && onDisconnect !== 'detach') {
    throw invalid('onDisconnect', "must be 'cancel' or 'detach'");
  }
  const out: { -readonly [K in keyof RunBody]: RunBody[K] } = { onDisconnect: onDisconnect ?? 'cancel' };
  if (message !== undefined) out.newMessage = parseMessage(message);
  if (stateDelta !== undefined) out.stateDelta = asRecord(stateDelta, 'stateDelta') as StateDelta;
  if (resume !== undefined) {
    // A resume replays the paused invocation from its log: a new delta has no place in it.
    if (stateDelta !== undefined) throw invalid('stateDelta', 'cannot be given with resume');
    out.resume = asRecord(resume, 'resume') as Record<string, JsonValue>;
  }
  return out;
}

function parseMessage(message: unknown): Content | string {
  if (typeof message === 'string') return message;
  const content = asRecord(message, 'message');
  if (!Array.isArray(content.parts)) throw invalid('message.parts', 'must be an array of parts');
  for (const [i, part] of content.parts.entries()) asRecord(part, `message.parts[${i}]`);
  return { role: 'user', parts: content.parts as Content['parts'] };
}

/** The value as a plain object, or a 400 naming `field`. */
export function asRecord(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(field, 'must be a JSON object');
  }
  return value as Record<string, unknown>;
}

export function invalid(field: string, message: string): HttpError {
  return new HttpError(400, 'INVALID_REQUEST', `${field}: ${message}`, field);
}
