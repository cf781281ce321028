import { InvalidAgentConfigError, type State, StateStore } from '@rxagents/core';
import { MissingStateKeyError } from '../errors.js';

// ADK's placeholder (instructions_utils.py, InstructionUtils.java, instructions.ts): one or more
// opening braces, anything but braces, one or more closing braces. The whole match is replaced.
const PLACEHOLDER = /\{+[^{}]*\}+/g;
// The same, anchored where a scan for '{' stopped: cheaper than a global search per model call.
const PLACEHOLDER_AT = /\{+[^{}]*\}+/y;
// adk-js's identifier rule (ASCII); ADK Python and Java also accept Unicode identifiers.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PREFIXES: readonly string[] = ['app:', 'user:', 'temp:'];
const ARTIFACT = 'artifact.';

// The name inside a placeholder (`{ key? }` → `key?`): braces stripped, then whitespace trimmed.
function inner(match: string): string {
  let start = 0;
  let end = match.length;
  while (match.charCodeAt(start) === 123) start++; // '{'
  while (match.charCodeAt(end - 1) === 125) end--; // '}'
  return match.slice(start, end).trim();
}

// An identifier, or `app:` / `user:` / `temp:` and an identifier (ADK's _is_valid_state_name).
function isStateName(name: string): boolean {
  if (IDENTIFIER.test(name)) return true;
  const colon = name.indexOf(':');
  return (
    colon !== -1 && PREFIXES.includes(name.slice(0, colon + 1)) && IDENTIFIER.test(name.slice(colon + 1))
  );
}

/**
 * Rejects a template that names an artifact (`{artifact.notes.txt}`): ADK loads those from its
 * artifact service, which rxagents does not have; sending the braces to the model would fail
 * silently, so the agent is refused when it is built.
 */
export function checkInstruction(template: string, agentName: string): void {
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (inner(match[0]).startsWith(ARTIFACT)) {
      throw new InvalidAgentConfigError(
        agentName,
        'instruction',
        `'${match[0]}' names an artifact; rxagents has no artifact service: read it in an instruction function instead`,
      );
    }
  }
}

/**
 * Fills `{key}` / `{key?}` from state with ADK's rule: whitespace inside the braces is ignored
 * (`{ customerId }`), several braces count as one (`{{key}}` → the value), and anything that is
 * not a state name (an identifier, optionally after `app:` / `user:` / `temp:`) is left as
 * written, braces and all. Pure substitution: nothing is evaluated, and a substituted value is
 * never scanned again. Strings go in as they are, other values (null included) as JSON.
 */
export function fillInstruction(template: string, state: State | StateStore, agentName: string): string {
  let out = '';
  let copied = 0;
  for (let at = template.indexOf('{'); at !== -1; ) {
    PLACEHOLDER_AT.lastIndex = at;
    const match = PLACEHOLDER_AT.exec(template);
    if (match === null) {
      at = template.indexOf('{', at + 1);
      continue;
    }
    out += template.slice(copied, at) + substitute(match[0], state, agentName);
    copied = PLACEHOLDER_AT.lastIndex;
    at = template.indexOf('{', copied);
  }
  return copied === 0 ? template : out + template.slice(copied);
}

// What one placeholder becomes: its value, the empty string, or the placeholder as written.
function substitute(match: string, state: State | StateStore, agentName: string): string {
  let name = inner(match);
  const optional = name.endsWith('?');
  if (optional) name = name.slice(0, -1);
  if (!isStateName(name)) return match;
  // A store is read key by key: a snapshot per model call would copy the whole state.
  const value =
    state instanceof StateStore ? state.get(name) : Object.hasOwn(state, name) ? state[name] : undefined;
  if (value === undefined) {
    if (optional) return '';
    throw new MissingStateKeyError(agentName, name);
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}
