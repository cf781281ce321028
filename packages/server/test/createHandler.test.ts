import { agent, type Event, InMemorySessionService, text } from '@rxagents/core';
import { LlmAgent } from '@rxagents/llm';
import { EventSource } from 'eventsource';
import { of } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandler, type HandlerOptions } from '../src/index.js';
import { type ServedHandler, serve } from '../src/node.js';
import { type ModelLog, slowModel } from './slowModel.js';
import { eventually, readAll, sseMessages } from './sse.js';

let log: ModelLog;
let sessions: InMemorySessionService;
let served: ServedHandler;
let handler: ReturnType<typeof createHandler>;

async function start(extra: Partial<HandlerOptions> = {}): Promise<void> {
  log = { calls: 0, aborts: 0, ends: 0 };
  sessions = new InMemorySessionService();
  const writer = new LlmAgent({ name: 'writer', model: slowModel(log), stream: true, outputKey: 'draft' });
  const hello = agent('hello', (ctx) => of(ctx.newEvent({ content: text('hi') })));
  handler = createHandler({ agents: { writer, hello }, sessionService: sessions, reconnectMs: 50, ...extra });
  served = await serve(handler);
}

const post = (path: string, body: unknown, init: RequestInit = {}) =>
  fetch(`${served.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
const getJson = async (path: string) => (await fetch(`${served.url}${path}`)).json();
const session = (name = 'writer', id = 's1') => `/agents/${name}/users/u1/sessions/${id}`;

async function newSession(name = 'writer', id = 's1'): Promise<void> {
  const created = await post(`/agents/${name}/users/u1/sessions`, { sessionId: id });
  expect(created.status).toBe(201);
}

beforeEach(() => start());
afterEach(async () => {
  handler.cancelAll();
  await served.close();
});

describe('createHandler routes', () => {
  it('lists the agents with their trees and 404s an unknown one', async () => {
    const agents = await getJson('/agents');
    expect(agents.map((a: { name: string }) => a.name)).toEqual(['writer', 'hello']);
    expect(agents[0]).toMatchObject({ name: 'writer', root: 'writer', subAgents: [] });
    const missing = await fetch(`${served.url}/agents/nobody/users/u1/sessions`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).error).toMatchObject({ code: 'AGENT_NOT_FOUND', field: 'agent' });
  });

  it('creates, lists, gets, time-travels and deletes a session', async () => {
    const created = await post('/agents/hello/users/u1/sessions', {
      sessionId: 's1',
      state: { topic: 'fox' },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: 's1', state: { topic: 'fox' }, events: [] });
    expect((await post('/agents/hello/users/u1/sessions', { sessionId: 's1' })).status).toBe(409);
    await readAll(await post(`${session('hello')}/runs`, { message: 'hello', stateDelta: { asked: true } }));
    const list = await getJson('/agents/hello/users/u1/sessions');
    expect(list).toMatchObject([{ sessionId: 's1', eventCount: 2 }]);
    const got = await getJson(session('hello'));
    expect(got.events.map((e: Event) => e.author)).toEqual(['user', 'hello']);
    expect(got.liveRun).toBeNull();
    expect(await getJson(`${session('hello')}/state?at=-1`)).toMatchObject({
      at: -1,
      state: { topic: 'fox' },
    });
    expect((await getJson(`${session('hello')}/state?at=0`)).state).toEqual({ topic: 'fox', asked: true });
    const bad = await fetch(`${served.url}${session('hello')}/state?at=7`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe('at');
    expect((await fetch(`${served.url}${session('hello')}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${served.url}${session('hello')}`)).status).toBe(404);
  });
});

describe('run streams', () => {
  it('sends one SSE message per event, partial ones included, with the event id as SSE id', async () => {
    await newSession();
    const response = await post(`${session()}/runs`, { message: 'write' });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const runId = response.headers.get('x-run-id');
    const messages = await readAll(response);
    expect(messages[0]).toMatchObject({
      event: 'run',
      data: JSON.stringify({ runId, agent: 'writer', sessionId: 's1' }),
    });
    const events = messages
      .filter((m) => m.event === undefined)
      .map((m) => ({ id: m.id, e: JSON.parse(m.data) as Event }));
    expect(events.filter((x) => x.e.partial === true)).toHaveLength(5);
    for (const { id, e } of events) expect(id).toBe(e.id);
    expect(messages.at(-1)).toMatchObject({ event: 'end', data: '{"status":"completed"}' });
    const stored = (await getJson(session())).events as Event[];
    // The run streams the agent's events (the user's event is stored, not echoed); partial events
    // are streamed, never stored.
    expect(stored.slice(1).map((e) => e.id)).toEqual(
      events.filter((x) => x.e.partial !== true).map((x) => x.id),
    );
    expect(stored.map((e) => e.author)).toEqual(['user', 'writer']);
  });

  it('replays the committed events after Last-Event-ID, then the live ones, without re-running', async () => {
    await newSession();
    const controller = new AbortController();
    const first = await post(
      `${session()}/runs`,
      { message: 'write', onDisconnect: 'detach' },
      { signal: controller.signal },
    );
    const runId = first.headers.get('x-run-id')!;
    const seen: string[] = [];
    for await (const m of sseMessages(first)) {
      if (m.id !== undefined) seen.push(m.id);
      if (seen.length === 2) break; // two partial events
    }
    controller.abort();
    await eventually(
      () => getJson(`/runs/${runId}`),
      (r) => r.status === 'completed',
    );
    const again = await fetch(`${served.url}/runs/${runId}/events`, {
      headers: { 'last-event-id': seen[1]! },
    });
    const rest = (await readAll(again))
      .filter((m) => m.event === undefined)
      .map((m) => JSON.parse(m.data) as Event);
    // Only the committed events after the partial one: the writer's complete answer.
    expect(rest.map((e) => [e.author, e.partial ?? false])).toEqual([['writer', false]]);
    expect(rest.some((e) => seen.includes(e.id))).toBe(false);
    expect(log.calls).toBe(1);
    expect((await getJson(session())).events).toHaveLength(2);
  });

  it('lets an EventSource follow a live run and stop reconnecting at its end (204)', async () => {
    await newSession();
    const started = await post(`${session()}/runs`, { message: 'write', onDisconnect: 'detach' });
    const runId = started.headers.get('x-run-id')!;
    await started.body?.cancel();
    const source = new EventSource(`${served.url}/runs/${runId}/events`);
    const ids: string[] = [];
    source.onmessage = (m) => ids.push(m.lastEventId);
    const ended = new Promise<string>((resolve) => source.addEventListener('end', (m) => resolve(m.data)));
    expect(JSON.parse(await ended)).toEqual({ status: 'completed' });
    // The server closed the stream; the EventSource reconnects with Last-Event-ID and gets 204.
    await eventually(
      async () => source.readyState,
      (state) => state === EventSource.CLOSED,
    );
    const stored = ((await getJson(session())).events as Event[]).slice(1).map((e) => e.id);
    expect(ids).toHaveLength(6);
    expect(ids.filter((id) => stored.includes(id))).toEqual(stored);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('cancellation', () => {
  it('stops the run on the server when any connection cancels it: the model call aborts, nothing more is committed', async () => {
    await newSession();
    const response = await post(`${session()}/runs`, { message: 'write' });
    const runId = response.headers.get('x-run-id')!;
    const messages = sseMessages(response);
    let partials = 0;
    let end: string | undefined;
    for await (const m of messages) {
      if (m.event === 'end') end = m.data;
      if (m.event === undefined && JSON.parse(m.data).partial === true && ++partials === 1) {
        const cancelled = await post(`/runs/${runId}/cancel`, {});
        expect(await cancelled.json()).toMatchObject({ runId, status: 'cancelled' });
      }
    }
    expect(end).toBe('{"status":"cancelled"}');
    expect(log.aborts).toBe(1);
    // Once the model's stream has ended (torn down, not run to its end), nothing can commit more.
    await eventually(
      async () => log.ends,
      (ends) => ends === 1,
    );
    expect(((await getJson(session())).events as Event[]).map((e) => e.author)).toEqual(['user']);
    expect(handler.liveRuns()).toBe(0);
  });

  it('cancels the run when its only client disconnects (the default)', async () => {
    await newSession();
    const controller = new AbortController();
    const response = await post(`${session()}/runs`, { message: 'write' }, { signal: controller.signal });
    const runId = response.headers.get('x-run-id')!;
    for await (const m of sseMessages(response))
      if (m.event === undefined && JSON.parse(m.data).partial) break;
    controller.abort();
    expect(
      await eventually(
        () => getJson(`/runs/${runId}`),
        (r) => r.status !== 'running',
      ),
    ).toMatchObject({
      status: 'cancelled',
    });
    expect(log.aborts).toBe(1);
    expect((await getJson(session())).events).toHaveLength(1);
  });

  it('keeps the run going when a detached client disconnects', async () => {
    await newSession();
    const controller = new AbortController();
    const response = await post(
      `${session()}/runs`,
      { message: 'write', onDisconnect: 'detach' },
      { signal: controller.signal },
    );
    const runId = response.headers.get('x-run-id')!;
    for await (const m of sseMessages(response))
      if (m.event === undefined && JSON.parse(m.data).partial) break;
    controller.abort();
    expect(
      await eventually(
        () => getJson(`/runs/${runId}`),
        (r) => r.status !== 'running',
      ),
    ).toMatchObject({
      status: 'completed',
      eventCount: 1,
    });
    expect(log.aborts).toBe(0);
    expect((await getJson(session())).state).toEqual({ draft: 'w0 w1 w2 w3 w4 ' });
  });
});

describe('bad input', () => {
  const noStack = (body: string) => expect(body).not.toMatch(/\bat .*\(|\.ts:\d+|stack/);

  it('answers malformed JSON with 400 and an oversized body with 413', async () => {
    await newSession();
    const malformed = await post(`${session()}/runs`, '{"message": ');
    expect(malformed.status).toBe(400);
    const body = await malformed.text();
    noStack(body);
    expect(JSON.parse(body).error).toMatchObject({ code: 'INVALID_JSON', field: 'body' });
    await served.close();
    await start({ maxBodyBytes: 64 });
    const large = await post('/agents/writer/users/u1/sessions', {
      sessionId: 'x',
      state: { big: 'y'.repeat(100) },
    });
    expect(large.status).toBe(413);
    expect((await large.json()).error.code).toBe('BODY_TOO_LARGE');
    const wrong = await post(`${session()}/runs`, { message: 42 });
    expect((await wrong.json()).error).toMatchObject({ code: 'INVALID_REQUEST', field: 'message' });
  });

  it('404s an unknown session and run; 409s a second run on a session with the SessionConflictError code', async () => {
    const unknown = await post(`${session('writer', 'nope')}/runs`, { message: 'x' });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('SESSION_NOT_FOUND');
    expect((await fetch(`${served.url}/runs/nope/events`)).status).toBe(404);
    await newSession();
    const first = await post(`${session()}/runs`, { message: 'write' });
    const second = await post(`${session()}/runs`, { message: 'again' });
    expect(second.status).toBe(409);
    const text409 = await second.text();
    noStack(text409);
    expect(JSON.parse(text409).error).toMatchObject({ code: 'SESSION_CONFLICT', agent: 'writer' });
    expect((await getJson(session())).liveRun).toBe(first.headers.get('x-run-id'));
    await readAll(first);
    expect(log.calls).toBe(1);
  });

  it('sends no CORS headers unless configured, and the configured origin when it is', async () => {
    const plain = await fetch(`${served.url}/agents`, { headers: { origin: 'http://elsewhere.test' } });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    await served.close();
    await start({ cors: { origin: ['http://app.test'] } });
    const allowed = await fetch(`${served.url}/agents`, { headers: { origin: 'http://app.test' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://app.test');
    const preflight = await fetch(`${served.url}/agents`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.test' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('last-event-id');
    const other = await fetch(`${served.url}/agents`, { headers: { origin: 'http://elsewhere.test' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
