import { type State, StateStore } from '@rxagents/core';
import { MissingStateKeyError } from '../errors.js';

// `{key}` or `{key?}`; a key is an identifier with an optional `app:`, `user:` or `temp:` prefix.
// Anything else between braces (JSON examples, code) is left as written.
const PLACEHOLDER = /\{((?:app:|user:|temp:)?[A-Za-z_][A-Za-z0-9_]*)(\?)?\}/g;

/**
 * Fills `{key}` / `{key?}` from state. Pure string substitution: nothing is evaluated, and a
 * substituted value is never scanned again. Strings go in as they are, other values as JSON.
 */
export function fillInstruction(template: string, state: State | StateStore, agentName: string): string {
  // A store is read key by key: a snapshot per model call would copy the whole state.
  return template.replace(PLACEHOLDER, (_match, key: string, optional: string | undefined) => {
    const value =
      state instanceof StateStore ? state.get(key) : Object.hasOwn(state, key) ? state[key] : undefined;
    if (value === undefined || value === null) {
      if (optional === '?') return '';
      if (value === null) return 'null';
      throw new MissingStateKeyError(agentName, key);
    }
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}
