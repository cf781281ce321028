import { describe, expect, it } from 'vitest';
import type { Event } from './Event.js';
import { Session } from './Session.js';

function event(id: string, delta: Record<string, number> = {}, invocationId = 'inv'): Event {
  return { id, invocationId, author: 'a', branch: 'a', timestamp: 0, actions: { stateDelta: delta } };
}

const ids = { id: 's1', appName: 'app', userId: 'u1' };

describe('Session', () => {
  it('replays restored events onto the initial state, with time travel over them', () => {
    const log = [event('e1', { n: 1 }), event('e2', { n: 2, m: 1 }), event('e3')];
    const session = new Session({ ...ids, state: { n: 0 }, events: log });
    expect(session.events.map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);
    expect(session.state.snapshot()).toEqual({ n: 2, m: 1 });
    expect(session.stateAt(-1)).toEqual({ n: 0 });
    expect(session.stateAt(0)).toEqual({ n: 1 });
    expect(session.isCommitted(log[1]!)).toBe(true);
  });

  it('prefix(k) is a new session with the first k events and the state after them', () => {
    const session = new Session({ ...ids, state: { n: 0 } });
    for (const e of [event('e1', { n: 1 }), event('e2', { n: 2 }), event('e3', { n: 3 })]) session.commit(e);
    // state changed between events (a shared key synced in), which prefix must carry too
    session.state.apply({ 'app:shared': 7 });
    const later = event('e4', { n: 4 });
    session.commit(later);

    const two = session.prefix(2);
    expect(two).not.toBe(session);
    expect(two.events.map((e) => e.id)).toEqual(['e1', 'e2']);
    expect(two.state.snapshot()).toEqual({ n: 2 });
    expect(session.prefix(3).state.snapshot()).toEqual({ n: 3, 'app:shared': 7 });
    expect(session.prefix(4).state.snapshot()).toEqual({ n: 4, 'app:shared': 7 });
    expect(session.prefix(0).state.snapshot()).toEqual({ n: 0 });
    expect(session.events).toHaveLength(4);
    expect(() => session.prefix(5)).toThrow(/prefix\(5\) outside 0..4/);
  });

  it('indexOf finds a committed event by identity, -1 otherwise', () => {
    const session = new Session(ids);
    const a = event('a');
    const b = event('b');
    session.commit(a);
    session.commit(b);
    expect(session.indexOf(b)).toBe(1);
    expect(session.indexOf(a)).toBe(0);
    expect(session.indexOf(event('a'))).toBe(-1);
  });
});
