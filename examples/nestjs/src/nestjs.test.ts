import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type Event, InMemorySessionService, Runner, textOf } from '@rxagents/core';
import { LlmAgent, type Model, scriptedModel } from '@rxagents/llm';
import { type EventSourceMessage, EventSourceParserStream } from 'eventsource-parser/stream';
import { finalize } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appModule } from './appModule.js';

// What the model saw: its calls and the aborts of their AbortSignal (a provider request's view
// of a cancelled run).
let log: { calls: number; aborts: number };
// Settles when the model's last stream ended: completed, or torn down by a cancel.
let modelEnded: Promise<void>;
let app: INestApplication;
let url: string;

/** The scripted model, counting the aborts of each call's signal. */
function watched(inner: Model): Model {
  return {
    name: inner.name,
    generate(request, options) {
      log.calls++;
      options.signal.addEventListener('abort', () => log.aborts++);
      let ended = () => {};
      modelEnded = new Promise((resolve) => (ended = resolve));
      return inner.generate(request, options).pipe(finalize(() => ended()));
    },
  };
}

beforeEach(async () => {
  log = { calls: 0, aborts: 0 };
  const model = scriptedModel([{ agent: 'writer', respond: 'A fox found a lantern in the snow.' }], {
    chunks: 6,
    chunkInterval: 40,
  });
  const writer = new LlmAgent({ name: 'writer', model: watched(model), stream: true, outputKey: 'draft' });
  const runner = new Runner({
    appName: 'nestjs',
    agent: writer,
    sessionService: new InMemorySessionService(),
  });
  app = await NestFactory.create(appModule(runner), { logger: false });
  await app.listen(0, '127.0.0.1');
  url = await app.getUrl();
});
afterEach(() => app.close());

/** The SSE messages of a response, read with `eventsource-parser`. */
async function* messages(response: Response): AsyncGenerator<EventSourceMessage> {
  const reader = response
    .body!.pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

const sessionEvents = async (): Promise<Event[]> =>
  ((await (await fetch(`${url}/users/u1/sessions/s1`)).json()) as { events: Event[] }).events;

describe('RunController (NestJS)', () => {
  it('streams the run as SSE, in order, with the event ids as SSE ids, and the session holds them', async () => {
    const response = await fetch(`${url}/users/u1/sessions/s1/run?message=a%20fox`);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const received: EventSourceMessage[] = [];
    for await (const message of messages(response)) received.push(message);
    const events = received.map((m) => JSON.parse(m.data) as Event);
    expect(received.map((m) => m.id)).toEqual(events.map((e) => e.id));
    const partials = events.filter((e) => e.partial === true);
    expect(partials.length).toBeGreaterThan(1);
    // The streamed chunks, in order, spell the answer.
    expect(partials.map((e) => textOf(e.content)).join('')).toBe('A fox found a lantern in the snow.');
    const last = events.at(-1)!;
    expect(last).toMatchObject({
      author: 'writer',
      actions: { stateDelta: { draft: 'A fox found a lantern in the snow.' } },
    });
    const committed = events.filter((e) => e.partial !== true).map((e) => e.id);
    const [user, ...rest] = await sessionEvents();
    expect(user).toMatchObject({ author: 'user' });
    expect(rest.map((e) => e.id)).toEqual(committed);
    expect(log).toEqual({ calls: 1, aborts: 0 });
  });

  it('cancels the run on the server when the client disconnects mid-run: the model call aborts, nothing more is committed', async () => {
    const controller = new AbortController();
    const response = await fetch(`${url}/users/u1/sessions/s1/run?message=a%20fox`, {
      signal: controller.signal,
    });
    const seen: Event[] = [];
    for await (const message of messages(response)) {
      seen.push(JSON.parse(message.data) as Event);
      if (seen.at(-1)!.partial === true) break;
    }
    controller.abort();
    // Once the model's stream has ended (torn down, not run to its end), nothing can commit more.
    await modelEnded;
    expect(log.aborts).toBe(1);
    expect((await sessionEvents()).map((e) => e.author)).toEqual(['user']);
    expect(await sessionEvents()).toHaveLength(1);
  });

  it('answers 404 for a session that does not exist', async () => {
    const response = await fetch(`${url}/users/u1/sessions/nobody`);
    expect(response.status).toBe(404);
  });
});
