import type { JsonValue } from '../json.js';
import type { State, StateStore } from '../StateStore.js';

/**
 * A read-only view of the state as it is now, for a router or a function node that reads a few
 * keys: `snapshot()` materialises every key once per version, so a graph of a thousand steps
 * that each read the snapshot after a commit would copy the state a thousand times (measured:
 * W6 in bench/). Reads go to the store's map; once the store has moved on, the view answers from
 * the state at its version, so it behaves as a frozen snapshot taken when it was made.
 */
export function stateView(store: StateStore): State {
  const version = store.version;
  let pinned: State | undefined;
  const at = (): State | undefined => {
    if (store.version === version) return undefined;
    pinned ??= store.at(version);
    return pinned;
  };
  const get = (key: string): JsonValue | undefined => {
    const old = at();
    return old === undefined ? store.get(key) : old[key];
  };
  const has = (key: string): boolean => {
    const old = at();
    return old === undefined ? store.has(key) : key in old;
  };
  const refuse = () => false;
  return new Proxy({} as State, {
    get: (_, key) => (typeof key === 'string' ? get(key) : undefined),
    has: (_, key) => typeof key === 'string' && has(key),
    ownKeys: () => {
      const old = at();
      return old === undefined ? [...store.keys()] : Object.keys(old);
    },
    getOwnPropertyDescriptor: (_, key) =>
      typeof key === 'string' && has(key)
        ? { value: get(key), enumerable: true, configurable: true, writable: false }
        : undefined,
    set: refuse,
    defineProperty: refuse,
    deleteProperty: refuse,
  });
}
