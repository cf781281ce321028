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

function eventFault(value: unknown): Fault {
  if (!isRecord(value)) return ['', `must be an Event object, got ${describe(value)}`];
  // Direct property reads, not a loop over field names: this runs for every event of every run.
  const e = value as Readonly<Record<string, unknown>>;
  if (typeof e.id !== 'string') return ['id', mustBe('a string', e.id)];
  if (typeof e.invocationId !== 'string') return ['invocationId', mustBe('a string', e.invocationId)];
  if (typeof e.author !== 'string') return ['author', mustBe('a string', e.author)];
  if (typeof e.branch !== 'string') return ['branch', mustBe('a string', e.branch)];
  if (typeof e.timestamp !== 'number') return ['timestamp', mustBe('a number', e.timestamp)];
  const flagFault =
    optionalBoolean(e.partial, 'partial') ??
    optionalBoolean(e.turnComplete, 'turnComplete') ??
    optionalString(e.errorCode, 'errorCode') ??
    optionalString(e.errorMessage, 'errorMessage') ??
    optionalString(e.finishReason, 'finishReason');
  if (flagFault !== undefined) return flagFault;
  // A graph node's run number: 2, 3, … (absent on a first run).
  if (e.iteration !== undefined && !(Number.isInteger(e.iteration) && (e.iteration as number) >= 2))
    return ['iteration', mustBe('an integer >= 2', e.iteration)];
  const actions = e.actions;
  if (!isRecord(actions)) return ['actions', mustBe('an object', actions)];
  const fault = actionsFault(actions as Readonly<Record<string, unknown>>);
  if (fault !== undefined) return fault;
  return e.content === undefined ? undefined : contentFault(e.content);
}

function actionsFault(a: Readonly<Record<string, unknown>>): Fault {
  if (!isRecord(a.stateDelta)) return ['actions.stateDelta', mustBe('a plain object', a.stateDelta)];
  const flagFault =
    optionalBoolean(a.escalate, 'actions.escalate') ??
    optionalString(a.transferToAgent, 'actions.transferToAgent') ??
    optionalBoolean(a.skipSummarization, 'actions.skipSummarization') ??
    optionalBoolean(a.endInvocation, 'actions.endInvocation');
  if (flagFault !== undefined) return flagFault;
  const request = a.requestInput as Readonly<Record<string, unknown>> | undefined;
  if (request !== undefined) {
    if (!isRecord(request) || typeof request.id !== 'string' || typeof request.kind !== 'string')
      return ['actions.requestInput', mustBe('a request ({ id, kind, payload })', request)];
  }
  if (a.inputAnswers !== undefined && !isRecord(a.inputAnswers))
    return ['actions.inputAnswers', mustBe('answers by request id', a.inputAnswers)];
  return undefined;
}

/** The first fault of a content (a `Content` of the conversation), or undefined. */
export function contentFault(content: unknown, base = 'content'): Fault {
  if (!isRecord(content)) return [base, mustBe('an object', content)];
  const { role, parts } = content as { role?: unknown; parts?: unknown };
  if (role !== 'user' && role !== 'model') return [`${base}.role`, mustBe("'user' or 'model'", role)];
  if (!Array.isArray(parts)) return [`${base}.parts`, mustBe('an array of parts', parts)];
  for (let i = 0; i < parts.length; i++) {
    const fault = partFault(parts[i]);
    // The path is built only for a fault: no string per part of every event.
    if (fault !== undefined) return [`${base}.parts[${i}]${fault[0]}`, fault[1]];
  }
  return undefined;
}

// The fault of one part, its field relative to the part ('' for the part itself, '.text', …).
function partFault(part: unknown): Fault {
  if (!isRecord(part)) return ['', mustBe('a part object', part)];
  const p = part as Readonly<Record<string, unknown>>;
  if (typeof p.text === 'string') return optionalBoolean(p.thought, '.thought');
  if ('text' in p) return ['.text', mustBe('a string', p.text)];
  if ('functionCall' in p) return callFault(p.functionCall, '.functionCall', 'args');
  if ('functionResponse' in p) return callFault(p.functionResponse, '.functionResponse', 'response');
  return ['', 'must have text, functionCall or functionResponse'];
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

// One call per optional field, each with its own literal field name and typeof: no table, no loop,
// and the reason string is built only for a fault.
function optionalBoolean(value: unknown, field: string): Fault {
  return value !== undefined && typeof value !== 'boolean' ? [field, mustBe('a boolean', value)] : undefined;
}

function optionalString(value: unknown, field: string): Fault {
  return value !== undefined && typeof value !== 'string' ? [field, mustBe('a string', value)] : undefined;
}

function isRecord(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mustBe(what: string, got: unknown): string {
  return `must be ${what}, got ${describe(got)}`;
}
