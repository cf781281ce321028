import fc from 'fast-check';
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

  it('knows its earlier events between commits, past its 16th event', () => {
    // Past SMALL events isCommitted asks the index: asked after every commit, about an event
    // some commits back, the one just committed and a stranger, and before each commit.
    const session = new Session(ids);
    const log: Event[] = [];
    for (let i = 0; i < 60; i++) {
      const e = event(`e${i}`, { n: i }, 'first');
      expect(session.isCommitted(e)).toBe(false);
      session.commit(e);
      log.push(e);
      if (i % 7 === 0) continue;
      expect(session.isCommitted(log[Math.max(0, i - 3)]!)).toBe(true);
      expect(session.isCommitted(e)).toBe(true);
      expect(session.isCommitted(event(`x${i}`))).toBe(false);
    }
    for (const e of log) expect(session.isCommitted(e)).toBe(true);
  });

  it('answers isCommitted like a set of the committed events, however events are made, committed and asked about', () => {
    // isCommitted answers the event committed last and the one made last (noteNew, what
    // ctx.newEvent calls) with a comparison, and any other from an index made when first needed:
    // each answer must be the model's, across the 16-event threshold where the index is made
    // (sessions that start empty, and sessions that start past it, where noteNew is kept).
    const op = fc.oneof(
      fc.record({ kind: fc.constant('make' as const), noted: fc.boolean() }),
      fc.record({ kind: fc.constant('commit' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('ask' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.boolean(), fc.array(op, { maxLength: 80 }), (indexed, ops) => {
        const earlier = indexed ? Array.from({ length: 20 }, (_, i) => event(`old${i}`, { n: i })) : [];
        const session = new Session({ ...ids, events: earlier });
        const made: Event[] = [];
        const committed = new Set<Event>(earlier);
        const order: Event[] = [...earlier];
        for (const o of ops) {
          if (o.kind === 'make') {
            const e = event(`e${made.length}`, { n: made.length });
            made.push(e);
            if (o.noted) session.noteNew(e);
            continue;
          }
          if (made.length === 0) continue;
          // Mostly the newest events, as agents emit them; sometimes any.
          const i =
            o.pick % 3 === 0 ? o.pick % made.length : made.length - 1 - (o.pick % Math.min(3, made.length));
          const e = made[i]!;
          if (o.kind === 'ask') {
            expect(session.isCommitted(e)).toBe(committed.has(e));
          } else {
            session.commit(e);
            if (!committed.has(e)) order.push(e);
            committed.add(e);
          }
        }
        expect(session.events).toEqual(order);
        for (const e of made) expect(session.isCommitted(e)).toBe(committed.has(e));
      }),
      { numRuns: 400 },
    );
  });

  it.each([
    ['past its 16th event', -1],
    ['once its state changes between two events', 10],
  ])(
    'answers isCommitted, indexOf, firstIndexOf, stateAt and prefix alike before and after it indexes itself %s',
    (_, changeAt) => {
      // 40 events over two invocations: the small-session path (a scan of the log) up to the
      // index, the index after, and prefix copies taken on both sides of it.
      const session = new Session({ ...ids, state: { n: 0 } });
      const log: Event[] = [];
      const after: Record<string, number>[] = [];
      for (let i = 0; i < 40; i++) {
        if (i === changeAt) session.state.apply({ between: 1 });
        const e = event(`e${i}`, i % 3 === 0 ? {} : { n: i }, i < 25 ? 'first' : 'second');
        session.commit(e);
        log.push(e);
        after.push({ ...session.state.snapshot() } as Record<string, number>);
      }
      const check = (s: Session, count: number) => {
        for (let i = 0; i < count; i++) {
          expect(s.isCommitted(log[i]!)).toBe(true);
          expect(s.indexOf(log[i]!)).toBe(i);
          expect(s.stateAt(i)).toEqual(after[i]);
        }
        expect(s.isCommitted(event('e0'))).toBe(false);
        expect(s.stateAt(-1)).toEqual({ n: 0 });
        expect(s.firstIndexOf('first')).toBe(count > 0 ? 0 : -1);
        expect(s.firstIndexOf('second')).toBe(count > 25 ? 25 : -1);
        expect(s.firstIndexOf('none')).toBe(-1);
      };
      check(session, 40);
      for (const count of [0, 3, 10, 11, 17, 30, 40]) {
        const copy = session.prefix(count);
        check(copy, count);
        // The state event `count` was produced on (with the change made before event changeAt).
        const between = changeAt !== -1 && count >= changeAt ? { between: 1 } : {};
        const before = count === 0 ? { n: 0 } : { ...after[count - 1], ...between };
        expect(copy.state.snapshot()).toEqual(before);
        // A copy's own events, past the adopted ones, and across its own index.
        const own = Array.from({ length: 20 }, (_, i) => event(`own${i}`, { own: i }, 'third'));
        for (const e of own) copy.commit(e);
        own.forEach((e, i) => {
          expect(copy.isCommitted(e)).toBe(true);
          expect(copy.indexOf(e)).toBe(count + i);
          expect(copy.stateAt(count + i).own).toBe(i);
        });
        expect(copy.firstIndexOf('third')).toBe(count);
        expect(copy.prefix(count + 5).events).toEqual([...log.slice(0, count), ...own.slice(0, 5)]);
        expect(session.isCommitted(own[0]!)).toBe(false);
      }
    },
  );
});
