import { InvalidAgentConfigError, type State, StateStore } from '@rxagents/core';
import { MissingStateKeyError } from '../errors.js';

// ADK's placeholder (instructions_utils.py, InstructionUtils.java, instructions.ts): one or more
// opening braces, anything but braces, one or more closing braces. The whole match is replaced.
const PLACEHOLDER = /\{+[^{}]*\}+/g;
// adk-js's identifier rule (ASCII); ADK Python and Java also accept Unicode identifiers.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PREFIXES: readonly string[] = ['app:', 'user:', 'temp:'];
const ARTIFACT = 'artifact.';

interface Placeholder {
  readonly name: string;
  readonly optional: boolean;
}

// `{ key? }` → key, optional: braces stripped, then whitespace trimmed, then one trailing `?`.
function parse(match: string): Placeholder {
  const name = match.replace(/^\{+/, '').replace(/\}+$/, '').trim();
  return name.endsWith('?') ? { name: name.slice(0, -1), optional: true } : { name, optional: false };
}

// An identifier, or `app:` / `user:` / `temp:` and an identifier (ADK's _is_valid_state_name).
function isStateName(name: string): boolean {
  const colon = name.indexOf(':');
  if (colon === -1) return IDENTIFIER.test(name);
  return PREFIXES.includes(name.slice(0, colon + 1)) && IDENTIFIER.test(name.slice(colon + 1));
}

/**
 * Rejects a template that names an artifact (`{artifact.notes.txt}`): ADK loads those from its
 * artifact service, which rxagents does not have; sending the braces to the model would fail
 * silently, so the agent is refused when it is built.
 */
export function checkInstruction(template: string, agentName: string): void {
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (parse(match[0]).name.startsWith(ARTIFACT)) {
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
  // A store is read key by key: a snapshot per model call would copy the whole state.
  return template.replace(PLACEHOLDER, (match) => {
    const { name, optional } = parse(match);
    if (!isStateName(name)) return match;
    const value =
      state instanceof StateStore ? state.get(name) : Object.hasOwn(state, name) ? state[name] : undefined;
    if (value === undefined) {
      if (optional) return '';
      throw new MissingStateKeyError(agentName, name);
    }
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}
