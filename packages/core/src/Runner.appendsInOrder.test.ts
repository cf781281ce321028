import { delay, map, type Observable, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { text } from './Content.js';
import type { Event } from './Event.js';
import { agent } from './FunctionAgent.js';
import { InMemorySessionService } from './InMemorySessionService.js';
import { Runner } from './Runner.js';
import { SequentialAgent } from './SequentialAgent.js';
import type { Session } from './Session.js';
import type { SessionService } from './SessionService.js';

// A store whose every append is durable 10 frames after it was subscribed, so appends complete in
// the order they were subscribed: it may say `appendsInOrder`.
function slowStore(
  memory: InMemorySessionService,
  appendsInOrder: boolean,
  scheduler: TestScheduler,
): SessionService {
  return {
    appendsInOrder,
    createSession: (r) => memory.createSession(r),
    getSession: (r) => memory.getSession(r),
    listSessions: (r) => memory.listSessions(r),
    deleteSession: (r) => memory.deleteSession(r),
    appendEvent: (session: Session, event: Event): Observable<Event> =>
      memory.appendEvent(session, event).pipe(delay(10, scheduler)),
  };
}

const steps = () =>
  new SequentialAgent({
    name: 'flow',
    subAgents: ['a', 'b', 'c'].map((name) =>
      agent(name, (ctx) => of(ctx.newEvent({ content: text(name), actions: { stateDelta: { [name]: 1 } } }))),
    ),
  });

function run(appendsInOrder: boolean, expected: string): InMemorySessionService {
  const memory = new InMemorySessionService();
  const scheduler = new TestScheduler((actual, wanted) => expect(actual).toEqual(wanted));
  scheduler.run(({ expectObservable }) => {
    const runner = new Runner({
      appName: 'app',
      agent: steps(),
      sessionService: slowStore(memory, appendsInOrder, scheduler),
      scheduler,
    });
    const authors = runner
      .run({ userId: 'u1', sessionId: 's1', newMessage: 'go' })
      .pipe(map((e) => e.author));
    expectObservable(authors).toBe(expected);
  });
  return memory;
}

describe('Runner with a store that orders appends itself (appendsInOrder)', () => {
  it("hands it every event's append at once: the three are durable together, in order, and the run completes after them", () => {
    // the user's event is durable at 10 (the agent starts then); a, b, c are subscribed at 10
    const memory = run(true, '20ms (abc|)');
    const session = memory.getOrCreateSessionSync({ appName: 'app', userId: 'u1', sessionId: 's1' });
    expect(session.events.map((e) => e.author)).toEqual(['user', 'a', 'b', 'c']);
    expect(session.state.snapshot()).toEqual({ a: 1, b: 1, c: 1 });
  });

  it('without it, subscribes to one append after the other', () => {
    run(false, '20ms a 9ms b 9ms (c|)');
  });
});
