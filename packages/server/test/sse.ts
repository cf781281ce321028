import { type EventSourceMessage, EventSourceParserStream } from 'eventsource-parser/stream';
import { eventually as poll } from '../../../test/support/eventually.js';

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
  let last: T | undefined;
  // Boxed: the value read may itself be `false` or `undefined`.
  const held = await poll(
    async () => {
      last = await read();
      return check(last) && { value: last };
    },
    ms,
    () => `last value ${JSON.stringify(last)}`,
  );
  return held.value;
}
