import { agent, type Event, InMemorySessionService, requestInput, sequence, text } from '@rxagents/core';
import type { EventSourceMessage } from 'eventsource-parser/stream';
import { map, of, switchMap, timer } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHandler } from '../src/index.js';
import { type ServedHandler, serve } from '../src/node.js';
import { readAll } from './sse.js';

let sessions: InMemorySessionService;
let served: ServedHandler;
let handler: ReturnType<typeof createHandler>;
let writerRuns: number;

beforeEach(async () => {
  writerRuns = 0;
  sessions = new InMemorySessionService();
  const writer = agent('writer', (ctx) => {
    writerRuns++;
    return of(ctx.newEvent({ content: text('draft'), actions: { stateDelta: { story: 'A fox' } } }));
  });
  const editor = agent('editor', (ctx) =>
    requestInput(ctx, {
      id: 'approve',
      payload: { prompt: 'Publish?', story: String(ctx.state.get('story')) },
      schema: z.object({ approved: z.boolean(), slowly: z.boolean().optional() }),
    }).pipe(
      // `slowly` keeps the resumed run going long enough to be cancelled.
      switchMap(({ approved, slowly }) =>
        (slowly === true ? timer(60_000) : of(0)).pipe(map(() => approved)),
      ),
      map((approved) =>
        ctx.newEvent({
          content: text(approved ? 'published' : 'dropped'),
          actions: { stateDelta: { approved } },
        }),
      ),
    ),
  );
  handler = createHandler({ agents: { news: sequence('flow', [writer, editor]) }, sessionService: sessions });
  served = await serve(handler);
});
afterEach(async () => {
  handler.cancelAll();
  await served.close();
});

const session = `/agents/news/users/u1/sessions/s1`;
const post = (path: string, body: unknown) =>
  fetch(`${served.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const getSession = async () => (await fetch(`${served.url}${session}`)).json();
const eventsOf = (messages: EventSourceMessage[]) =>
  messages.filter((m) => m.event === undefined).map((m) => JSON.parse(m.data) as Event);
const endOf = (messages: EventSourceMessage[]) => JSON.parse(messages.find((m) => m.event === 'end')!.data);

// Runs the flow to its pause and returns the id of the request it waits for.
async function pause(): Promise<{ id: string; events: Event[] }> {
  expect((await post('/agents/news/users/u1/sessions', { sessionId: 's1' })).status).toBe(201);
  const messages = await readAll(await post(`${session}/runs`, { message: 'write' }));
  expect(endOf(messages)).toEqual({ status: 'completed' });
  const events = eventsOf(messages);
  const last = events.at(-1)!;
  expect(last.author).toBe('editor');
  expect(last.actions.requestInput).toMatchObject({ kind: 'input', payload: { prompt: 'Publish?' } });
  return { id: last.actions.requestInput!.id, events };
}

describe('createHandler human in the loop', () => {
  it('shows the pending request in the session and streams the resumed run after the answer', async () => {
    const { id, events: before } = await pause();
    const paused = await getSession();
    expect(paused.pendingRequests).toEqual([
      expect.objectContaining({
        id,
        kind: 'input',
        payload: { prompt: 'Publish?', story: 'A fox' },
        author: 'editor',
        branch: 'flow.editor',
        schema: expect.objectContaining({ type: 'object', required: ['approved'] }),
      }),
    ]);
    const response = await post(`${session}/runs`, { resume: { [id]: { approved: true } } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-run-id')).toBeTruthy();
    const messages = await readAll(response);
    expect(endOf(messages)).toEqual({ status: 'completed' });
    const resumed = eventsOf(messages);
    // The answers' event, then the editor's verdict: nothing from before the pause again.
    expect(resumed.map((e) => e.author)).toEqual(['user', 'editor']);
    expect(resumed[0]!.actions.inputAnswers).toEqual({ [id]: { approved: true } });
    expect(resumed[1]!.content).toEqual(text('published'));
    const beforeIds = new Set([...before, ...paused.events].map((e: Event) => e.id));
    expect(resumed.some((e) => beforeIds.has(e.id))).toBe(false);
    expect(writerRuns).toBe(1 + 2); // the first run, then the resume's dry and real replays, none emitted
    const done = await getSession();
    expect(done.pendingRequests).toEqual([]);
    expect(done.state).toMatchObject({ story: 'A fox', approved: true });
    expect(done.events).toHaveLength(paused.events.length + 2);
    expect(done.liveRun).toBeNull();
  });

  it('holds a resumed run in the registry: Last-Event-ID replays what followed, nothing re-run', async () => {
    const { id } = await pause();
    const response = await post(`${session}/runs`, { resume: { [id]: { approved: true } } });
    const runId = response.headers.get('x-run-id')!;
    const [answers, verdict] = eventsOf(await readAll(response));
    const runs = writerRuns;
    const status = await (await fetch(`${served.url}/runs/${runId}`)).json();
    expect(status).toMatchObject({ runId, status: 'completed', eventCount: 2 });
    const again = await fetch(`${served.url}/runs/${runId}/events`, {
      headers: { 'last-event-id': answers!.id },
    });
    const replayed = await readAll(again);
    expect(eventsOf(replayed).map((e) => e.id)).toEqual([verdict!.id]);
    expect(endOf(replayed)).toEqual({ status: 'completed' });
    expect(writerRuns).toBe(runs);
  });

  it('cancels a resumed run from another connection: nothing after the answers is committed', async () => {
    const { id } = await pause();
    const response = await post(`${session}/runs`, {
      resume: { [id]: { approved: true, slowly: true } },
      onDisconnect: 'detach',
    });
    expect(response.status).toBe(200);
    const runId = response.headers.get('x-run-id')!;
    expect((await getSession()).liveRun).toBe(runId);
    const cancelled = await post(`/runs/${runId}/cancel`, {});
    expect((await cancelled.json()).status).toBe('cancelled');
    const messages = await readAll(response);
    expect(endOf(messages)).toEqual({ status: 'cancelled' });
    expect(eventsOf(messages).map((e) => e.author)).toEqual(['user']);
    const after = await getSession();
    expect(after.liveRun).toBeNull();
    expect(after.state.approved).toBeUndefined();
    expect(after.events.at(-1).actions.inputAnswers).toEqual({ [id]: { approved: true, slowly: true } });
  });

  it('refuses an unknown request id with 404 UNKNOWN_REQUEST before any stream', async () => {
    const { id } = await pause();
    const response = await post(`${session}/runs`, { resume: { [`${id}x`]: { approved: true } } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await response.json();
    expect(body.error).toMatchObject({ code: 'UNKNOWN_REQUEST', field: `resume.${id}x`, agent: 'flow' });
    expect(JSON.stringify(body)).not.toMatch(/\bat .*\.ts:\d+/);
    expect((await getSession()).pendingRequests.map((p: { id: string }) => p.id)).toEqual([id]);
  });

  it('refuses a second answer to the same request with 409 REQUEST_ALREADY_ANSWERED', async () => {
    const { id } = await pause();
    await readAll(await post(`${session}/runs`, { resume: { [id]: { approved: false } } }));
    const eventCount = (await getSession()).events.length;
    const again = await post(`${session}/runs`, { resume: { [id]: { approved: true } } });
    expect(again.status).toBe(409);
    expect((await again.json()).error).toMatchObject({
      code: 'REQUEST_ALREADY_ANSWERED',
      field: `resume.${id}`,
    });
    const after = await getSession();
    expect(after.events).toHaveLength(eventCount);
    expect(after.state.approved).toBe(false);
  });

  it('refuses an answer off the schema with 400 INVALID_ANSWER and leaves the request pending', async () => {
    const { id } = await pause();
    const eventCount = (await getSession()).events.length;
    const response = await post(`${session}/runs`, { resume: { [id]: { approved: 'yes' } } });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: 'INVALID_ANSWER', field: `resume.${id}` });
    const after = await getSession();
    expect(after.pendingRequests.map((p: { id: string }) => p.id)).toEqual([id]);
    expect(after.events).toHaveLength(eventCount);
    expect(after.liveRun).toBeNull();
    // Still answerable: the refused attempt took nothing.
    const messages = await readAll(await post(`${session}/runs`, { resume: { [id]: { approved: true } } }));
    expect(endOf(messages)).toEqual({ status: 'completed' });
  });

  it('refuses a resume of a session with nothing pending (409) and a malformed resume (400)', async () => {
    expect((await post('/agents/news/users/u1/sessions', { sessionId: 's1' })).status).toBe(201);
    const nothing = await post(`${session}/runs`, { resume: { 'inv/flow.editor/approve#1': true } });
    expect(nothing.status).toBe(409);
    expect((await nothing.json()).error.code).toBe('NOTHING_PENDING');
    const malformed = await post(`${session}/runs`, { resume: ['yes'] });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error).toMatchObject({ code: 'INVALID_REQUEST', field: 'resume' });
    const withDelta = await post(`${session}/runs`, { resume: {}, stateDelta: { a: 1 } });
    expect((await withDelta.json()).error).toMatchObject({ code: 'INVALID_REQUEST', field: 'stateDelta' });
  });
});
