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
 * A string instruction cut at its placeholders once, when the agent is built, and filled from
 * state at each model call with ADK's rule (see `fillInstruction`).
 *
 * Why: the template was scanned per call (a regex per '{', the name trimmed and checked);
 * filling the cut template is a state read and a concatenation per placeholder. Part of the −22%
 * (4.77M → 3.70M instructions per run, bench/src/count.ts w4llm) of this round's llm changes on
 * W4 storyflow-llm; not measured alone.
 */
export class InstructionTemplate {
  // The text around the placeholders (one more than `keys`) and the state names they read.
  private readonly texts: string[] = [];
  private readonly keys: { readonly name: string; readonly optional: boolean }[] = [];

  constructor(readonly template: string) {
    let text = '';
    let copied = 0;
    for (let at = template.indexOf('{'); at !== -1; ) {
      PLACEHOLDER_AT.lastIndex = at;
      const match = PLACEHOLDER_AT.exec(template);
      if (match === null) {
        at = template.indexOf('{', at + 1);
        continue;
      }
      text += template.slice(copied, at);
      let name = inner(match[0]);
      const optional = name.endsWith('?');
      if (optional) name = name.slice(0, -1);
      if (isStateName(name)) {
        this.texts.push(text);
        this.keys.push({ name, optional });
        text = '';
      } else {
        text += match[0];
      }
      copied = PLACEHOLDER_AT.lastIndex;
      at = template.indexOf('{', copied);
    }
    this.texts.push(text + template.slice(copied));
  }

  /** The instruction with its placeholders filled from `state`; a missing required key throws. */
  fill(state: State | StateStore, agentName: string): string {
    const keys = this.keys;
    if (keys.length === 0) return this.template;
    const texts = this.texts;
    let out = texts[0]!;
    for (let i = 0; i < keys.length; i++) out += placeholderValue(keys[i]!, state, agentName) + texts[i + 1]!;
    return out;
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
  return new InstructionTemplate(template).fill(state, agentName);
}

// What one placeholder becomes: its value, or the empty string when it is optional and absent.
function placeholderValue(
  key: { readonly name: string; readonly optional: boolean },
  state: State | StateStore,
  agentName: string,
): string {
  const name = key.name;
  // A store is read key by key: a snapshot per model call would copy the whole state.
  const value =
    state instanceof StateStore ? state.get(name) : Object.hasOwn(state, name) ? state[name] : undefined;
  if (value === undefined) {
    if (key.optional) return '';
    throw new MissingStateKeyError(agentName, name);
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}
