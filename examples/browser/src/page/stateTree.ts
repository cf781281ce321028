import type { JsonValue, State } from '@rxagents/core';

const MAX_STRING = 160;

function renderValue(value: JsonValue | undefined, previous: JsonValue | undefined): HTMLElement {
  if (value !== null && typeof value === 'object') {
    const prev = previous !== null && typeof previous === 'object' ? previous : undefined;
    return renderEntries(
      Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value),
      (key) => (prev === undefined ? undefined : (prev as Readonly<Record<string, JsonValue>>)[key]),
    );
  }
  const span = document.createElement('span');
  span.className = `value ${value === null ? 'null' : typeof value}`;
  const shown = JSON.stringify(value ?? null);
  span.textContent = shown.length > MAX_STRING ? `${shown.slice(0, MAX_STRING - 2)}…"` : shown;
  span.title = shown;
  return span;
}

function renderEntries(
  entries: readonly (readonly [string, JsonValue])[],
  previous: (key: string) => JsonValue | undefined,
): HTMLElement {
  const list = document.createElement('ul');
  list.className = 'tree';
  for (const [key, value] of entries) {
    const item = document.createElement('li');
    item.className = 'entry';
    item.dataset.key = key;
    const before = previous(key);
    // Snapshots share unchanged values, so identity tells what this commit changed.
    if (before !== value) item.classList.add('changed');
    const label = document.createElement('span');
    label.className = 'key';
    label.textContent = key;
    item.append(label, ': ', renderValue(value, before));
    list.append(item);
  }
  return list;
}

/**
 * Renders a state snapshot as a nested list, marking the keys whose value differs (by identity)
 * from the previous snapshot (none are marked when there is no previous one).
 */
export function renderStateTree(state: State, previous: State | undefined): HTMLElement {
  const before = previous ?? state;
  const keys = Object.keys(state).sort();
  return renderEntries(
    keys.map((key) => [key, state[key]!] as const),
    (key) => before[key],
  );
}
