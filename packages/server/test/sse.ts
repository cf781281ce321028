import { type EventSourceMessage, EventSourceParserStream } from 'eventsource-parser/stream';

/** The SSE messages of a response, read with `eventsource-parser` (a third-party reader). */
export async function* sseMessages(response: Response): AsyncGenerator<EventSourceMessage> {
  if (response.body === null) return;
  const stream = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Every message of a response until its stream closes. */
export async function readAll(response: Response): Promise<EventSourceMessage[]> {
  const out: EventSourceMessage[] = [];
  for await (const message of sseMessages(response)) out.push(message);
  return out;
}

/** Polls until `check` holds (each try a fresh request), failing after `ms`. */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  ms = 3000,
): Promise<T> {
  const until = performance.now() + ms;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (performance.now() > until)
      throw new Error(`condition not met in ${ms} ms; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
