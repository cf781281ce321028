import { concat, defer as deferStream, map, of, takeWhile, throwError } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { collect, rootContext, runAgent, say, sayAfter, traceOf } from '../../test/helpers.js';
import { authorsOf, testScheduler } from '../../test/marbles.js';
import type { Event } from '../Event.js';
import { InvalidAgentConfigError } from '../errors.js';
import { exitLoop } from '../exitLoop.js';
import { agent } from '../FunctionAgent.js';
import type { InvocationContext } from '../InvocationContext.js';
import { SequentialAgent } from '../SequentialAgent.js';
import { mergeWith } from './mergeWith.js';
import { repeat } from './repeat.js';

describe('mergeWith', () => {
  it('runs the agents concurrently on their own branches, in virtual-time order', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const merged = sayAfter('a', 20).pipe(mergeWith(sayAfter('b', 10)));
      const root = new SequentialAgent({ name: 'root', subAgents: [merged] });
      const ctx = rootContext(root, { scheduler });
      expectObservable(root.runAsync(ctx).pipe(map((e) => `${e.author}@${e.branch}`))).toBe(
        '10ms b 9ms (a|)',
        {
          a: 'a@root.a',
          b: 'b@root.b',
        },
      );
    });
  });

  it('subscribes all at once, and unsubscribing mid-run tears every one down', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a$ = cold<Event>('-----|');
      const b$ = cold<Event>('--------|');
      const merged = agent('a', () => a$).pipe(mergeWith(agent('b', () => b$)));
      const ctx = rootContext(merged, { scheduler });
      expectObservable(merged.runAsync(ctx), '^--!').toBe('-');
      expectSubscriptions(a$.subscriptions).toBe('^--!');
      expectSubscriptions(b$.subscriptions).toBe('^--!');
    });
    expect(scheduler.actions).toHaveLength(0);
  });

  it('reports a key written by two of them; the later write wins', () => {
    const merged = say('a', { stateDelta: { k: 'a' } }).pipe(mergeWith(say('b', { stateDelta: { k: 'b' } })));
    const { events, session } = runAgent(new SequentialAgent({ name: 'root', subAgents: [merged] }));
    expect(events[0]?.stateConflicts).toBeUndefined();
    expect(events[1]?.stateConflicts).toEqual([{ key: 'k', previousBranch: 'root.a', branch: 'root.b' }]);
    expect(session.state.get('k')).toBe('b');
  });

  it('tracks conflicts at the root too, where branches are bare names', () => {
    const merged = say('a', { stateDelta: { k: 1 } }).pipe(mergeWith(say('b', { stateDelta: { k: 2 } })));
    expect(runAgent(merged).events[1]?.stateConflicts).toEqual([
      { key: 'k', previousBranch: 'a', branch: 'b' },
    ]);
  });

  it("hides the merged agents' events from each other, not the caller's earlier children", () => {
    const seen: Record<string, boolean[]> = {};
    const looker = (name: string) =>
      agent(name, (ctx: InvocationContext) =>
        deferStream(() => {
          seen[name] = ctx.session.events.map((e) => ctx.canSee(e));
          return of(ctx.newEvent({}));
        }),
      );
    const root = new SequentialAgent({
      name: 'root',
      subAgents: [say('before'), looker('a').pipe(mergeWith(looker('b')))],
    });
    runAgent(root);
    expect(seen.a).toEqual([true]);
    expect(seen.b).toEqual([true, false]);
  });

  it('stops the others at an escalation no inner loop consumed', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const escalating = agent('esc', (ctx) => of(exitLoop(ctx)));
      const merged = sayAfter('slow', 50).pipe(mergeWith(escalating));
      expectObservable(authorsOf(merged, scheduler)).toBe('(e|)', { e: 'esc' });
    });
  });

  it('an endless synchronous source stops when the subscriber has enough', () => {
    const merged = say('tick').pipe(repeat(), mergeWith(say('b')));
    const ctx = rootContext(merged);
    expect(collect(merged.runAsync(ctx).pipe(takeWhile((_, i) => i < 3))).map((e) => e.author)).toEqual([
      'tick',
      'tick',
      'tick',
    ]);
  });

  it('fails when one fails, tearing the others down and keeping what was committed', () => {
    const scheduler = testScheduler();
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const slow$ = cold<Event>('--------|');
      const failing = agent('failing', (ctx) =>
        concat(
          of(ctx.newEvent({ actions: { stateDelta: { kept: true } } })),
          throwError(() => new Error('boom')),
        ),
      );
      const merged = agent('slow', () => slow$).pipe(mergeWith(failing));
      const ctx = rootContext(merged, { scheduler });
      expectObservable(merged.runAsync(ctx).pipe(map((e: Event) => e.author))).toBe(
        '(f#)',
        { f: 'failing' },
        new Error('boom'),
      );
      expectSubscriptions(slow$.subscriptions).toBe('(^!)');
      scheduler.flush();
      expect(ctx.session.state.get('kept')).toBe(true);
    });
  });

  it('re-entrancy: a merged agent may run the merge again through its context', () => {
    let depth = 0;
    const inner = agent('inner', (ctx) =>
      deferStream(() => (++depth < 2 ? merged.runAsync(ctx) : of(ctx.newEvent({})))),
    );
    const merged = say('outer').pipe(mergeWith(inner));
    expect(traceOf(merged)).toEqual(['outer@outer', 'outer@inner.outer', 'inner@inner.inner']);
  });

  it('rejects two agents of one name, naming the agent and the field', () => {
    expect(() => say('a').pipe(mergeWith(say('a')))).toThrow(InvalidAgentConfigError);
    expect(() => say('a').pipe(mergeWith(say('b'), say('b')))).toThrow(/'a': mergeWith/);
  });
});
