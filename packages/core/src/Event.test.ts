// Every field of an Event survives the path from `ctx.newEvent` through the commit, the session
// service and the Runner's emission. The sample is typed `Required<…>`: a field added to `Event`
// (or to `EventActions`) does not compile here until the sample has it, and then fails at run time
// until the event builder carries it.
import { firstValueFrom, lastValueFrom, type Observable, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { text } from './Content.js';
import type { Event, EventActions } from './Event.js';
import { agent } from './FunctionAgent.js';
import { InMemorySessionService } from './InMemorySessionService.js';
import { Runner } from './Runner.js';
import type { Session } from './Session.js';
import type { SessionService } from './SessionService.js';

type Stamped = 'id' | 'invocationId' | 'timestamp';
const full: Required<Omit<Event, Stamped | 'actions'>> & { readonly actions: Required<EventActions> } = {
  author: 'full',
  branch: 'full',
  content: text('every field'),
  partial: false,
  turnComplete: true,
  errorCode: 'E_SAMPLE',
  errorMessage: 'a sample error',
  finishReason: 'stop',
  usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 },
  stateConflicts: [{ key: 'k', previousBranch: 'other', branch: 'full' }],
  iteration: 2,
  actions: {
    stateDelta: { k: 1 },
    escalate: true,
    transferToAgent: 'full',
    skipSummarization: true,
    endInvocation: true,
    requestInput: { id: 'r1', kind: 'input', payload: null },
    inputAnswers: { earlier: 'yes' },
  },
};

// A fresh copy per run: the commit freezes the event's objects in place.
const sample = () => structuredClone(full);

// The in-memory service seen through its Observable methods only (the Runner's asynchronous route).
function asynchronous(memory: InMemorySessionService): SessionService {
  return {
    createSession: (r) => memory.createSession(r),
    getSession: (r) => memory.getSession(r),
    listSessions: (r) => memory.listSessions(r),
    deleteSession: (r) => memory.deleteSession(r),
    appendEvent: (session: Session, event: Event): Observable<Event> => memory.appendEvent(session, event),
  };
}

describe('Event fields', () => {
  for (const route of ['synchronous', 'asynchronous'] as const) {
    it(`survive newEvent, the commit, the ${route} session service and the Runner's emission`, async () => {
      const memory = new InMemorySessionService();
      const root = agent('full', (ctx) => of(ctx.newEvent(sample())));
      const sessionService = route === 'synchronous' ? memory : asynchronous(memory);
      const runner = new Runner({ appName: 'app', agent: root, sessionService });
      const key = { appName: 'app', userId: 'u', sessionId: 's' };
      const emitted = await lastValueFrom(runner.run({ ...key, newMessage: 'go' }).pipe(toArray()));
      const stored = (await firstValueFrom(memory.getSession(key)))?.events ?? [];
      for (const event of [emitted.at(-1), stored.at(-1)]) {
        expect(event).toBeDefined();
        for (const field of Object.keys(full) as (keyof typeof full)[]) {
          expect({ field, value: event?.[field] }).toEqual({ field, value: full[field] });
        }
        for (const field of Object.keys(full.actions) as (keyof EventActions)[]) {
          expect({ field, value: event?.actions[field] }).toEqual({ field, value: full.actions[field] });
        }
        expect(typeof event?.id).toBe('string');
        expect(typeof event?.timestamp).toBe('number');
      }
    });
  }
});
