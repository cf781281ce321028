// A graph node pauses for human input and resumes (the human-in-the-loop mechanism of the core):
// the pause stops the graph as it stops a sequence, a fan-out lets its other arms finish first,
// and the resume replays the log, so no node before the pause runs its work again.
import { concatMap, defer, lastValueFrom, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { text } from '../Content.js';
import type { Event } from '../Event.js';
import { agent } from '../FunctionAgent.js';
import { InMemorySessionService } from '../InMemorySessionService.js';
import { pendingRequests } from '../InputRequest.js';
import type { JsonValue } from '../json.js';
import { Runner } from '../Runner.js';
import { requestInput } from '../requestInput.js';
import { graph } from './graph.js';
import { END } from './graphTypes.js';

const user = { userId: 'u1', sessionId: 's1' };

function asker(name: string) {
  return agent(name, (ctx) =>
    requestInput(ctx, { id: 'ok', schema: z.object({ ok: z.boolean() }) }).pipe(
      concatMap(({ ok }) =>
        of(ctx.newEvent({ content: text(`${name} ${ok}`), actions: { stateDelta: { [name]: ok } } })),
      ),
    ),
  );
}

function counted(name: string, runs: { n: number }) {
  return agent(name, (ctx) =>
    defer(() => {
      runs.n++;
      return of(ctx.newEvent({ content: text(name), actions: { stateDelta: { [name]: 1 } } }));
    }),
  );
}

function setup(build: () => ReturnType<typeof graph>) {
  const sessions = new InMemorySessionService();
  const runner = new Runner({ appName: 'app', agent: build(), sessionService: sessions });
  const session = () => sessions.getOrCreateSessionSync({ appName: 'app', ...user });
  const authors = (events: readonly Event[]) =>
    events.filter((e) => e.author !== 'user').map((e) => e.author);
  /** Runs the graph to its pause: who spoke, and the one request it is waiting on. */
  const start = async () => {
    const events = await lastValueFrom(runner.run({ ...user, newMessage: 'go' }).pipe(toArray()));
    const [request] = pendingRequests(session());
    if (request === undefined) throw new Error('the graph did not pause');
    return { authors: authors(events), request };
  };
  /** Answers `request` and runs the graph on: who spoke. */
  const resume = async (request: { id: string }, answer: JsonValue) =>
    authors(await lastValueFrom(runner.run({ ...user, resume: { [request.id]: answer } }).pipe(toArray())));
  return { session, start, resume };
}

describe('graph: human in the loop', () => {
  it('a node pauses the graph; resuming goes on from that node, nothing before it committed twice', async () => {
    const drafts = { n: 0 };
    const { session, start, resume } = setup(() =>
      graph('g', {
        nodes: { draft: counted('draft', drafts), ask: asker('ask'), publish: counted('publish', { n: 0 }) },
        start: 'draft',
        edges: [
          { from: 'draft', to: 'ask' },
          { from: 'ask', route: (s) => (s.ask === true ? 'publish' : END), targets: ['publish', END] },
        ],
      }),
    );
    const first = await start();
    expect(first.authors).toEqual(['draft', 'ask']);
    expect(first.request.branch).toBe('g.ask');
    expect(await resume(first.request, { ok: true })).toEqual(['ask', 'publish']);
    expect(session().events.filter((e) => e.author === 'draft')).toHaveLength(1);
    expect(session().state.snapshot()).toMatchObject({ draft: 1, ask: true, publish: 1 });
    expect(pendingRequests(session())).toEqual([]);
  });

  it('an arm that pauses lets the other arms of its fan-out finish; the join runs after the resume', async () => {
    const joins = { n: 0 };
    const { session, start, resume } = setup(() =>
      graph('g', {
        nodes: {
          s: counted('s', { n: 0 }),
          ask: asker('ask'),
          other: counted('other', { n: 0 }),
          j: counted('j', joins),
        },
        start: 's',
        edges: [
          { from: 's', to: ['ask', 'other'] },
          { from: ['ask', 'other'], to: 'j' },
        ],
      }),
    );
    const first = await start();
    expect(first.authors.sort()).toEqual(['ask', 'other', 's']);
    expect(joins.n).toBe(0);
    expect(first.request.branch).toBe('g.s.ask');
    expect(await resume(first.request, { ok: false })).toEqual(['ask', 'j']);
    expect(session().events.filter((e) => e.author === 'other')).toHaveLength(1);
    expect(session().state.snapshot()).toMatchObject({ s: 1, other: 1, ask: false, j: 1 });
  });
});
