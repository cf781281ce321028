import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

/** A Web-standard handler, such as the one `createHandler` returns. */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * Adapts a `Request → Response` handler to a `node:http` listener. The request's `signal` aborts
 * and the response body is cancelled when the client goes away, so a run streamed to it is
 * detached (or cancelled) at once; bodies are streamed both ways, never buffered whole.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { agent, text } from '@rxagents/core';
 * import { createHandler } from '@rxagents/server';
 * import { toNodeListener } from '@rxagents/server/node';
 * import { of } from 'rxjs';
 *
 * const storyFlow = agent('story_flow', (ctx) => of(ctx.newEvent({ content: text('Once upon a time…') })));
 * createServer(toNodeListener(createHandler({ agents: { storyFlow } }))).listen(8080);
 * ```
 */
export function toNodeListener(handler: FetchHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const aborted = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborted.abort();
    });
    handler(toRequest(req, aborted.signal))
      .then((response) => writeResponse(response, res, aborted.signal))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end('{"error":{"code":"INTERNAL","message":"internal server error"}}');
      });
  };
}

/** A running server on loopback (or `host`), with the URL it listens on. */
export interface ServedHandler {
  readonly url: string;
  readonly server: Server;
  /** Stops accepting connections and closes the open ones (their runs see a disconnect). */
  close(): Promise<void>;
}

/**
 * Listens on `port` (default: any free one) and `host` (default `127.0.0.1`) with the handler.
 *
 * @example
 * ```ts
 * import { agent, text } from '@rxagents/core';
 * import { createHandler } from '@rxagents/server';
 * import { serve } from '@rxagents/server/node';
 * import { of } from 'rxjs';
 *
 * const storyFlow = agent('story_flow', (ctx) => of(ctx.newEvent({ content: text('Once upon a time…') })));
 * const { url, close } = await serve(createHandler({ agents: { storyFlow } }), { port: 8080 });
 * console.log(`listening on ${url}`);
 * process.once('SIGTERM', () => void close());
 * ```
 */
export function serve(
  handler: FetchHandler,
  options: { port?: number; host?: string } = {},
): Promise<ServedHandler> {
  const server = createServer(toNodeListener(handler));
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${port}`,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const url = `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal };
  if (hasBody) {
    init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
    init.duplex = 'half';
  }
  return new Request(url, init);
}

async function writeResponse(response: Response, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  if (response.body === null) {
    res.end();
    return;
  }
  res.flushHeaders();
  const reader = response.body.getReader();
  const stop = (): void => {
    reader.cancel().catch(() => undefined);
  };
  signal.addEventListener('abort', stop);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
