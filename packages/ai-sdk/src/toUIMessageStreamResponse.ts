import type { Event } from '@rxagents/core';
import { createUIMessageStreamResponse } from 'ai';
import type { Observable, Subscription } from 'rxjs';
import {
  type RxAgentsUIMessageChunk,
  type ToUIMessageStreamOptions,
  toUIMessageStream,
} from './toUIMessageStream.js';

/** Status, headers and keep-alive of the response, as `createUIMessageStreamResponse` takes them. */
export type UIMessageStreamResponseOptions = Omit<
  Parameters<typeof createUIMessageStreamResponse>[0],
  'stream'
> &
  ToUIMessageStreamOptions;

/**
 * A `Response` streaming a run's events in the AI SDK UI message stream protocol (SSE with the
 * AI SDK's headers), what a `useChat` endpoint returns. The run is subscribed when the body
 * starts and unsubscribed when it is cancelled — the client went away or pressed Stop — so the
 * run stops on the server.
 *
 * @example
 * ```ts
 * import { toUIMessageStreamResponse } from '@rxagents/ai-sdk';
 * import { agent, text } from '@rxagents/core';
 * import { createHandler } from '@rxagents/server';
 * import { of } from 'rxjs';
 *
 * const assistant = agent('assistant', (ctx) => of(ctx.newEvent({ content: text('Hello!') })));
 * // POST /agents/assistant/users/:user/chat now answers a useChat client.
 * const handler = createHandler({ agents: { assistant }, chat: { respond: (events) => toUIMessageStreamResponse(events) } });
 * ```
 * @see toUIMessageStream
 */
export function toUIMessageStreamResponse(
  events: Observable<Event>,
  init: UIMessageStreamResponseOptions = {},
): Response {
  const { messageId, ...responseInit } = init;
  const chunks = events.pipe(toUIMessageStream(messageId === undefined ? {} : { messageId }));
  let subscription: Subscription | undefined;
  const stream = new ReadableStream<RxAgentsUIMessageChunk>({
    start(controller) {
      subscription = chunks.subscribe({
        next: (chunk) => controller.enqueue(chunk),
        error: (error: unknown) => controller.error(error),
        complete: () => controller.close(),
      });
    },
    cancel() {
      subscription?.unsubscribe();
    },
  });
  return createUIMessageStreamResponse({ ...responseInit, stream });
}
