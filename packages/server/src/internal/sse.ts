import type { Observable, Subscription } from 'rxjs';
import type { RunMessage } from './LiveRun.js';
import { errorBody } from './responses.js';

/** One SSE message, as the `text/event-stream` format spells it. */
export function sseMessage(
  data: unknown,
  options: { id?: string; event?: string; retry?: number } = {},
): string {
  const id = options.id === undefined ? '' : `id: ${options.id}\n`;
  const retry = options.retry === undefined ? '' : `retry: ${options.retry}\n`;
  const event = options.event === undefined ? '' : `event: ${options.event}\n`;
  // JSON.stringify never emits a raw newline, so the data fits on one `data:` line.
  return `${retry}${event}${id}data: ${JSON.stringify(data)}\n\n`;
}

/** A run message as SSE: an event is a default (`message`) SSE message with its id; the end is `event: end`. */
export function runMessageToSse(message: RunMessage): string {
  if (message.kind === 'event') return sseMessage(message.event, { id: message.event.id });
  const error = message.error === undefined ? {} : { error: errorBody(message.error).body.error };
  return sseMessage({ status: message.status, ...error }, { event: 'end' });
}

/**
 * A streaming response over an Observable of encoded chunks. The subscription is made when the
 * body starts and torn down when the client goes away — the body is cancelled (fetch runtimes,
 * our `node:http` adapter) or the request's signal aborts (frameworks that only do that).
 */
export function streamResponse(
  chunks: Observable<string>,
  init: { readonly status?: number; readonly headers: Headers; readonly signal?: AbortSignal },
): Response {
  const encoder = new TextEncoder();
  let subscription: Subscription | undefined;
  let open = true;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const close = (): void => {
        if (!open) return;
        open = false;
        controller.close();
      };
      subscription = chunks.subscribe({
        next: (chunk) => {
          if (open) controller.enqueue(encoder.encode(chunk));
        },
        error: close,
        complete: close,
      });
      init.signal?.addEventListener('abort', () => {
        subscription?.unsubscribe();
        close();
      });
    },
    cancel() {
      open = false;
      subscription?.unsubscribe();
    },
  });
  return new Response(body, { status: init.status ?? 200, headers: init.headers });
}

/** The headers of an SSE response. */
export function sseHeaders(extra: HeadersInit | undefined): Headers {
  const headers = new Headers(extra);
  headers.set('content-type', 'text/event-stream; charset=utf-8');
  headers.set('cache-control', 'no-cache, no-transform');
  headers.set('x-accel-buffering', 'no');
  return headers;
}
