import { describe, expect, it } from 'vitest';
import { StateStore } from '../StateStore.js';
import { stateView } from './stateView.js';

describe('stateView', () => {
  it('reads like a snapshot: keys, values, spread, in, JSON', () => {
    const store = new StateStore({ a: 1, b: { c: 'x' } });
    const view = stateView(store);
    expect(view.a).toBe(1);
    expect('b' in view).toBe(true);
    expect('z' in view).toBe(false);
    expect({ ...view }).toEqual({ a: 1, b: { c: 'x' } });
    expect(Object.keys(view)).toEqual(['a', 'b']);
    expect(JSON.stringify(view)).toBe('{"a":1,"b":{"c":"x"}}');
  });

  it('keeps answering for its version after the store moved on, like a frozen snapshot', () => {
    const store = new StateStore({ a: 1 });
    const view = stateView(store);
    store.apply({ a: 2, b: 3 });
    expect(view.a).toBe(1);
    expect('b' in view).toBe(false);
    expect({ ...view }).toEqual({ a: 1 });
    expect(stateView(store).a).toBe(2);
  });

  it('refuses writes', () => {
    const view = stateView(new StateStore({ a: 1 })) as Record<string, unknown>;
    expect(() => {
      view.a = 2;
    }).toThrow(TypeError);
    expect(() => delete view.a).toThrow(TypeError);
    expect(view.a).toBe(1);
  });
});
