import { defer, firstValueFrom, lastValueFrom, map, NEVER, Observable, of, timer, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { say, sayAfter, storedSession, storeOver } from '../test/helpers.js';
import { text, textOf } from './Content.js';
import type { Event } from './Event.js';
import { SessionStoreError } from './errors.js';
import { agent } from './FunctionAgent.js';
import { InMemorySessionService } from './InMemorySessionService.js';
import { sequentialIds } from './ids.js';
import { Runner } from './Runner.js';
import { SequentialAgent } from './SequentialAgent.js';
import type { Session } from './Session.js';
import type { SessionService } from './SessionService.js';

const key = { appName: 'app', userId: 'u1', sessionId: 's1' };

function runnerFor(
  root: ReturnType<typeof say> | SequentialAgent,
  sessionService: SessionService = new InMemorySessionService(),
) {
  return new Runner({ appName: 'app', agent: root, sessionService, idGenerator: sequentialIds('e') });
}

const sessionOf = (runner: Runner): Promise<Session> => storedSession(runner.sessionService, key);

describe('Runner', () => {
  it('commits each event once, however an agent orders, repeats or holds back the events it made', async () => {
    // isCommitted answers the event made last with one comparison (Session.noteNew) and any
    // other from the log: made ahead and emitted later, emitted again after others, emitted
    // again past the 16th event (where the session indexes itself), each is committed once.
    const shuffler = agent('shuffler', (ctx) => {
      const made = Array.from({ length: 30 }, (_, i) =>
        ctx.newEvent({ actions: { stateDelta: { [`k${i % 5}`]: i } } }),
      );
      // 27 held back past 29 (the event made last), then 29 emitted again.
      const order = [1, 0, 0, 1, 2, ...made.slice(3, 27).map((_, i) => i + 3), 28, 29, 27, 4, 2, 29, 17, 0];
      return of(...order.map((i) => made[i]!));
    });
    const runner = runnerFor(new SequentialAgent({ name: 'flow', subAgents: [shuffler] }));
    // Twice in one session: the second run makes its events past the 16th event, where the
    // session keeps the event made last (noteNew) rather than scanning its log.
    for (const run of [1, 2]) {
      const events = await lastValueFrom(runner.run({ ...key, newMessage: 'go' }).pipe(toArray()));
      expect(events).toHaveLength(37);
      const session = await sessionOf(runner);
      expect(session.events).toHaveLength(31 * run);
      const ids = session.events.slice(31 * (run - 1) + 1).map((e) => e.id);
      expect(new Set(ids).size).toBe(30);
      expect(ids).toEqual([...new Set(events.map((e) => e.id))]);
      expect(session.state.get('k4')).toBe(29);
      expect(session.state.version).toBe(30 * run);
    }
  });

  it('starts a workflow root without searching the tree for past authors, however long the session', async () => {
    // ADK's _find_agent_to_run looks back over the session for an agent that accepts follow-ups;
    // under a root that does not, none can, and each invocation searched the tree once per past
    // event (an invocation's cost grew with its session: bench/README.md, bench:long).
    class CountingRoot extends SequentialAgent {
      searches = 0;
      override findSubAgent(name: string) {
        this.searches++;
        return super.findSubAgent(name);
      }
    }
    const root = new CountingRoot({ name: 'flow', subAgents: [say('a'), say('b')] });
    const runner = runnerFor(root);
    for (let i = 0; i < 20; i++) {
      const events = await lastValueFrom(runner.run({ ...key, newMessage: `m${i}` }).pipe(toArray()));
      expect(events.map((e) => e.author)).toEqual(['a', 'b']);
    }
    expect((await sessionOf(runner)).events).toHaveLength(60);
    expect(root.searches).toBe(0);
  });

  it('creates the session, appends the user event, then every agent event in order', async () => {
    const flow = new SequentialAgent({
      name: 'flow',
      subAgents: [say('a', { stateDelta: { a: 1 } }), say('b')],
    });
    const runner = runnerFor(flow);
    const events = await lastValueFrom(
      runner.run({ ...key, newMessage: 'a story about a fox' }).pipe(toArray()),
    );
    expect(events.map((e) => e.author)).toEqual(['a', 'b']);
    const session = await sessionOf(runner);
    expect(session.events.map((e) => e.author)).toEqual(['user', 'a', 'b']);
    expect(session.events[0]?.content).toEqual({ role: 'user', parts: [{ text: 'a story about a fox' }] });
    expect(session.state.snapshot()).toEqual({ a: 1 });
  });

  it('gives the agent the user content and continues an existing session', async () => {
    const echo = agent('echo', (ctx) =>
      of(ctx.newEvent({ content: text(`heard: ${textOf(ctx.userContent)}`) })),
    );
    const runner = runnerFor(echo);
    await lastValueFrom(runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'one' }));
    const second = await lastValueFrom(
      runner.run({ userId: 'u1', sessionId: 's1', newMessage: text('two', 'user') }),
    );
    expect(textOf(second.content)).toBe('heard: two');
    expect((await sessionOf(runner)).events).toHaveLength(4);
  });

  it('hands every invocation the same frozen services, naming its session service', async () => {
    const seen: unknown[] = [];
    const probe = agent('probe', (ctx) => {
      seen.push(ctx.services);
      return of(ctx.newEvent({}));
    });
    const runner = runnerFor(probe);
    await lastValueFrom(runner.run({ ...key, newMessage: 'one' }));
    await lastValueFrom(runner.run({ ...key, sessionId: 's2' }));
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(Object.isFrozen(seen[0])).toBe(true);
    expect(seen[0]).toEqual({ sessionService: runner.sessionService });
  });

  it('appends a user event for a message, for a state delta, for both, and none for neither', async () => {
    const runner = runnerFor(say('a'));
    const cases = [
      { sessionId: 'm', newMessage: 'hi' },
      { sessionId: 'd', stateDelta: { k: 1 } },
      { sessionId: 'b', newMessage: 'hi', stateDelta: { k: 2 } },
      { sessionId: 'n' },
    ];
    const users: (Event | undefined)[] = [];
    for (const c of cases) {
      await lastValueFrom(runner.run({ userId: 'u1', ...c }));
      const session = await lastValueFrom(
        runner.sessionService.getSession({ appName: 'app', userId: 'u1', sessionId: c.sessionId }),
      );
      users.push(session?.events.find((e) => e.author === 'user'));
    }
    const [message, delta, both, neither] = users;
    expect(message?.branch).toBe('');
    expect(message?.content).toEqual({ role: 'user', parts: [{ text: 'hi' }] });
    expect(message?.actions.stateDelta).toEqual({});
    expect(delta?.content).toBeUndefined();
    expect(delta?.actions.stateDelta).toEqual({ k: 1 });
    expect(both?.content).toEqual({ role: 'user', parts: [{ text: 'hi' }] });
    expect(both?.actions.stateDelta).toEqual({ k: 2 });
    expect(neither).toBeUndefined();
  });

  it('commits the request stateDelta with the user event, before the agent runs', async () => {
    const reader = agent('reader', (ctx) =>
      of(ctx.newEvent({ content: text(String(ctx.state.get('topic'))) })),
    );
    const last = await lastValueFrom(
      runnerFor(reader).run({ ...key, newMessage: 'go', stateDelta: { topic: 'fox' } }),
    );
    expect(textOf(last.content)).toBe('fox');
  });

  it('emits partial events but never appends them', async () => {
    const streamer = agent('streamer', (ctx) =>
      of(
        ctx.newEvent({ content: text('Once '), partial: true }),
        ctx.newEvent({ content: text('upon'), partial: true }),
        ctx.newEvent({ content: text('Once upon') }),
      ),
    );
    const runner = runnerFor(streamer);
    const events = await lastValueFrom(runner.run({ ...key, newMessage: 'go' }).pipe(toArray()));
    expect(events.map((e) => e.partial === true)).toEqual([true, true, false]);
    expect((await sessionOf(runner)).events.map((e) => textOf(e.content))).toEqual(['go', 'Once upon']);
  });

  it('completes only after the last append is durable, in order, with an asynchronous store', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ expectObservable }) => {
      const memory = new InMemorySessionService();
      const appended: string[] = [];
      // A store whose appends take 10 frames each.
      const slow = storeOver(memory, {
        appendEvent: (session, event) =>
          timer(10, scheduler).pipe(
            map(() => {
              appended.push(event.author);
              return memory.appendEventSync(session, event);
            }),
          ),
      });
      const flow = new SequentialAgent({ name: 'flow', subAgents: [say('a'), say('b')] });
      const runner = new Runner({ appName: 'app', agent: flow, sessionService: slow, scheduler });
      const authors = runner.run({ ...key, newMessage: 'go' }).pipe(map((e) => e.author));
      expectObservable(authors).toBe('20ms a 9ms (b|)');
    });
  });

  it('stops everything when the AbortSignal aborts, keeping what was appended', async () => {
    const controller = new AbortController();
    const torn: string[] = [];
    const waiting = agent('waiting', () => new Observable<Event>(() => () => torn.push('waiting')));
    const flow = new SequentialAgent({ name: 'flow', subAgents: [say('first'), waiting, say('never')] });
    const runner = runnerFor(flow);
    const seen: string[] = [];
    let completed = false;
    runner.run({ ...key, newMessage: 'go', signal: controller.signal }).subscribe({
      next: (e) => seen.push(e.author),
      complete: () => (completed = true),
    });
    controller.abort();
    expect(seen).toEqual(['first']);
    expect(completed).toBe(true);
    expect(torn).toEqual(['waiting']);
    expect((await sessionOf(runner)).events.map((e) => e.author)).toEqual(['user', 'first']);
  });

  it('does nothing with an already aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const runner = runnerFor(say('a'));
    expect(
      await lastValueFrom(
        runner.run({ ...key, newMessage: 'go', signal: controller.signal }).pipe(toArray()),
      ),
    ).toEqual([]);
    expect(await firstValueFrom(runner.sessionService.getSession(key))).toBeUndefined();
  });

  it('emits nothing and commits nothing after unsubscribe', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ expectObservable }) => {
      const flow = new SequentialAgent({ name: 'flow', subAgents: [sayAfter('a', 5), sayAfter('b', 5)] });
      const runner = new Runner({ appName: 'app', agent: flow, scheduler });
      expectObservable(runner.run({ ...key, newMessage: 'go' }).pipe(map((e) => e.author)), '^ 7ms !').toBe(
        '5ms a',
      );
    });
    expect(scheduler.actions).toHaveLength(0);
  });

  it('tears the session load down when unsubscribed before it arrives, and never starts the agent', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    const started: string[] = [];
    let loadsTornDown = 0;
    scheduler.run(({ expectObservable }) => {
      const memory = new InMemorySessionService();
      // A store whose session takes 10 frames to load.
      const slow = storeOver(memory, {
        getSession: (r) =>
          new Observable<Session | undefined>((s) => {
            const inner = timer(10, scheduler).subscribe(() => {
              memory.getSession(r).subscribe(s);
            });
            return () => {
              loadsTornDown++;
              inner.unsubscribe();
            };
          }),
      });
      const root = agent('root', (ctx) => {
        started.push(ctx.agent.name);
        return of(ctx.newEvent({ content: text('hi') }));
      });
      const runner = new Runner({ appName: 'app', agent: root, sessionService: slow, scheduler });
      expectObservable(runner.run({ ...key, newMessage: 'go' }), '^ 5ms !').toBe('');
    });
    expect(started).toEqual([]);
    expect(loadsTornDown).toBe(1);
    expect(scheduler.actions).toHaveLength(0);
  });

  it('fails the run with a SessionStoreError when a synchronous append throws, and stops the agent', async () => {
    class Failing extends InMemorySessionService {
      override appendEventSync(session: Session, event: Event): Event {
        if (event.author === 'b') throw new Error('disk full');
        return super.appendEventSync(session, event);
      }
    }
    const torn: string[] = [];
    const b = agent(
      'b',
      (ctx) =>
        new Observable<Event>((s) => {
          s.next(ctx.newEvent({ content: text('b') }));
          return () => torn.push('b');
        }),
    );
    const flow = new SequentialAgent({ name: 'flow', subAgents: [say('a'), b, say('c')] });
    const runner = runnerFor(flow, new Failing());
    const seen: string[] = [];
    const error = await new Promise<unknown>((resolve) =>
      runner
        .run({ ...key, newMessage: 'go' })
        .subscribe({ next: (e) => seen.push(e.author), error: resolve }),
    );
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(error).toMatchObject({ agent: 'b', sessionId: 's1' });
    expect((error as Error).message).toContain('disk full');
    expect(seen).toEqual(['a']);
    expect(torn).toEqual(['b']);
    // b's event was committed in memory before its append failed; c never ran.
    expect((await sessionOf(runner)).events.map((e) => e.author)).not.toContain('c');
  });

  it('fails the run before the agent starts when the user event cannot be appended', async () => {
    class Refusing extends InMemorySessionService {
      override appendEventSync(session: Session, event: Event): Event {
        if (event.author === 'user') throw new Error('read-only');
        return super.appendEventSync(session, event);
      }
    }
    let started = false;
    const root = agent('root', (ctx) => {
      started = true;
      return of(ctx.newEvent({ content: text('hi') }));
    });
    const error = await lastValueFrom(
      runnerFor(root, new Refusing()).run({ ...key, newMessage: 'go' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(error).toMatchObject({ agent: 'user' });
    expect(started).toBe(false);
  });

  it('is cold: no session is created before subscription', async () => {
    const runner = runnerFor(say('a'));
    const run = runner.run({ ...key, newMessage: 'go' });
    expect(await firstValueFrom(runner.sessionService.getSession(key))).toBeUndefined();
    await lastValueFrom(run);
    expect(await firstValueFrom(runner.sessionService.getSession(key))).toBeDefined();
    void NEVER;
    void defer;
  });
});
