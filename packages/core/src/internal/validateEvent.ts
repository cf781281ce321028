import type { Event } from '../Event.js';
import { InvalidAgentOutputError } from '../errors.js';
import { checkJson } from './checkJson.js';
import { describe } from './validateState.js';

/**
 * Checks that a value an agent emitted is a well-formed event, in one pass over its fields and
 * parts: O(size of the event), the state delta's values excepted (the commit checks those).
 * Throws an {@link InvalidAgentOutputError} naming the agent and the field; nothing is committed.
 */
export function validateEvent(agent: string, event: unknown): asserts event is Event {
  const fault = eventFault(event);
  if (fault !== undefined)
    throw new InvalidAgentOutputError(agent, fault[1], fault[0] === '' ? 'event' : `event.${fault[0]}`);
}

type Fault = [field: string, reason: string] | undefined;

const STRINGS = ['id', 'invocationId', 'author', 'branch'] as const;
const OPTIONAL_STRINGS = ['errorCode', 'errorMessage', 'finishReason'] as const;
const OPTIONAL_BOOLEANS = ['partial', 'turnComplete'] as const;
const ACTION_BOOLEANS = ['escalate', 'skipSummarization', 'endInvocation'] as const;

function eventFault(value: unknown): Fault {
  if (!isRecord(value)) return ['', `must be an Event object, got ${describe(value)}`];
  const event = value as Readonly<Record<string, unknown>>;
  for (const field of STRINGS)
    if (typeof event[field] !== 'string') return [field, mustBe('a string', event[field])];
  if (typeof event.timestamp !== 'number') return ['timestamp', mustBe('a number', event.timestamp)];
  for (const field of OPTIONAL_STRINGS) {
    const v = event[field];
    if (v !== undefined && typeof v !== 'string') return [field, mustBe('a string', v)];
  }
  for (const field of OPTIONAL_BOOLEANS) {
    const v = event[field];
    if (v !== undefined && typeof v !== 'boolean') return [field, mustBe('a boolean', v)];
  }
  const actions = event.actions;
  if (!isRecord(actions)) return ['actions', mustBe('an object', actions)];
  const fault = actionsFault(actions as Readonly<Record<string, unknown>>);
  if (fault !== undefined) return fault;
  return event.content === undefined ? undefined : contentFault(event.content);
}

function actionsFault(actions: Readonly<Record<string, unknown>>): Fault {
  if (!isRecord(actions.stateDelta))
    return ['actions.stateDelta', mustBe('a plain object', actions.stateDelta)];
  for (const field of ACTION_BOOLEANS) {
    const v = actions[field];
    if (v !== undefined && typeof v !== 'boolean') return [`actions.${field}`, mustBe('a boolean', v)];
  }
  const target = actions.transferToAgent;
  if (target !== undefined && typeof target !== 'string')
    return ['actions.transferToAgent', mustBe('a string', target)];
  return undefined;
}

/** The first fault of a content (a `Content` of the conversation), or undefined. */
export function contentFault(content: unknown, base = 'content'): Fault {
  if (!isRecord(content)) return [base, mustBe('an object', content)];
  const { role, parts } = content as { role?: unknown; parts?: unknown };
  if (role !== 'user' && role !== 'model') return [`${base}.role`, mustBe("'user' or 'model'", role)];
  if (!Array.isArray(parts)) return [`${base}.parts`, mustBe('an array of parts', parts)];
  for (let i = 0; i < parts.length; i++) {
    const fault = partFault(parts[i], `${base}.parts[${i}]`);
    if (fault !== undefined) return fault;
  }
  return undefined;
}

function partFault(part: unknown, at: string): Fault {
  if (!isRecord(part)) return [at, mustBe('a part object', part)];
  const p = part as Readonly<Record<string, unknown>>;
  if ('text' in p) {
    if (typeof p.text !== 'string') return [`${at}.text`, mustBe('a string', p.text)];
    if (p.thought !== undefined && typeof p.thought !== 'boolean')
      return [`${at}.thought`, mustBe('a boolean', p.thought)];
    return undefined;
  }
  if ('functionCall' in p) return callFault(p.functionCall, `${at}.functionCall`, 'args');
  if ('functionResponse' in p) return callFault(p.functionResponse, `${at}.functionResponse`, 'response');
  return [at, 'must have text, functionCall or functionResponse'];
}

// A function call or response: a name, an optional id, and a JSON object (args or response).
function callFault(call: unknown, at: string, payload: 'args' | 'response'): Fault {
  if (!isRecord(call)) return [at, mustBe('an object', call)];
  const c = call as Readonly<Record<string, unknown>>;
  if (typeof c.name !== 'string') return [`${at}.name`, mustBe('a string', c.name)];
  if (c.id !== undefined && typeof c.id !== 'string') return [`${at}.id`, mustBe('a string', c.id)];
  const body = c[payload];
  if (!isRecord(body)) return [`${at}.${payload}`, mustBe('a JSON object', body)];
  // Not frozen: the object may still be the model's or the tool's own.
  return checkJson(body, `${at}.${payload}`, false);
}

function isRecord(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mustBe(what: string, got: unknown): string {
  return `must be ${what}, got ${describe(got)}`;
}
