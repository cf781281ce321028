import {
  type BaseAgent,
  type Event,
  InMemorySessionService,
  Runner,
  type SessionService,
} from '@rxagents/core';
import type { Observable } from 'rxjs';
import { HttpError } from './HttpError.js';
import { corsHeaders, preflight } from './internal/cors.js';
import { RunRegistry } from './internal/RunRegistry.js';
import { errorResponse } from './internal/responses.js';
import { type Route, routeRequest } from './internal/routes.js';

/** Who may call the API from another origin; CORS is off when this is not given. */
export interface CorsOptions {
  /** Allowed origins, or `'*'` for any. */
  readonly origin: '*' | string | readonly string[];
}

/** Options of {@link createHandler}. */
export interface HandlerOptions {
  /**
   * The agents served, by the name used in URLs. An agent gets a `Runner` whose `appName` is
   * that name over `sessionService`; a `Runner` is used as it is (its own app name and sessions).
   */
  readonly agents: Readonly<Record<string, BaseAgent | Runner>>;
  /** Sessions of the agents given without a runner. Default: one `InMemorySessionService`. */
  readonly sessionService?: SessionService;
  /** Path prefix the routes live under, e.g. `'/api'`. Default `''`. */
  readonly basePath?: string;
  /** Largest accepted request body in bytes (413 above it). Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Cross-origin access; off (no CORS headers at all) unless given. */
  readonly cors?: CorsOptions;
  /** How many ended runs stay readable and replayable by `Last-Event-ID`. Default 100. */
  readonly retainEndedRuns?: number;
  /** Reconnection delay an `EventSource` is told to use (the SSE `retry` field). Default 1000 ms. */
  readonly reconnectMs?: number;
  /** Source of run ids (each is the run's invocation id). Default `crypto.randomUUID`. */
  readonly runIds?: () => string;
  /**
   * Serves `POST /agents/:agent/users/:user/chat` in a UI protocol: the body is the AI SDK's
   * `useChat` request (`{ id, messages }`; `id` is the session, the last user message is sent),
   * and `respond` turns the run's events into the response — `toUIMessageStreamResponse` from
   * `@rxagents/ai-sdk`. The run is cancelled when the client goes away (useChat's Stop).
   */
  readonly chat?: { readonly respond: (events: Observable<Event>) => Response };
}

/** A Web-standard request handler, plus what a host needs to shut it down. */
export interface AgentHandler {
  (request: Request): Promise<Response>;
  /** Runs still producing events. */
  readonly liveRuns: () => number;
  /** Cancels every live run (on server shutdown). */
  readonly cancelAll: () => void;
}

/** What the routes share: resolved agents, the run registry and the options. */
export interface HandlerContext {
  readonly runners: ReadonlyMap<string, Runner>;
  readonly runs: RunRegistry;
  readonly maxBodyBytes: number;
  readonly runIds: () => string;
  readonly reconnectMs: number;
  readonly chat: HandlerOptions['chat'];
}

/**
 * Serves agents over HTTP as a `Request → Response` function, so it mounts wherever fetch is
 * spoken: `node:http` through `@rxagents/server/node`, Hono (`app.all('/api/*', (c) =>
 * handler(c.req.raw))`), Next.js route handlers (`export const GET = handler, POST = handler`).
 *
 * A run is held by the server, not by the connection: its events go to every connection as SSE
 * messages (the event id as SSE `id`), a reconnect with `Last-Event-ID` replays the committed
 * events after it without re-running anything, and `POST /runs/:id/cancel` stops it from any
 * connection.
 *
 * @example
 * ```ts
 * import { agent, text } from '@rxagents/core';
 * import { createHandler } from '@rxagents/server';
 * import { of } from 'rxjs';
 * const hello = agent('hello', (ctx) => of(ctx.newEvent({ content: text('hi') })));
 * const handler = createHandler({ agents: { hello } });
 * const response = await handler(new Request('http://localhost/agents'));
 * console.log(await response.json()); // [{ name: 'hello', … }]
 * ```
 */
export function createHandler(options: HandlerOptions): AgentHandler {
  const sessionService = options.sessionService ?? new InMemorySessionService();
  const runners = new Map<string, Runner>();
  for (const [name, entry] of Object.entries(options.agents)) {
    runners.set(
      name,
      entry instanceof Runner ? entry : new Runner({ appName: name, agent: entry, sessionService }),
    );
  }
  const context: HandlerContext = {
    runners,
    runs: new RunRegistry(options.retainEndedRuns ?? 100),
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    runIds: options.runIds ?? (() => globalThis.crypto.randomUUID()),
    reconnectMs: options.reconnectMs ?? 1000,
    chat: options.chat,
  };
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const handler = async (request: Request): Promise<Response> => {
    const cors = corsHeaders(options.cors, request);
    try {
      if (request.method === 'OPTIONS' && cors !== undefined) return preflight(cors);
      const path = new URL(request.url).pathname;
      if (!path.startsWith(basePath)) throw new HttpError(404, 'NOT_FOUND', `no route ${path}`);
      const route: Route = { request, segments: segmentsOf(path.slice(basePath.length)), headers: cors };
      return await routeRequest(context, route);
    } catch (error) {
      return errorResponse(error, cors);
    }
  };
  return Object.assign(handler, {
    liveRuns: () => context.runs.liveCount,
    cancelAll: () => context.runs.cancelAll(),
  });
}

function segmentsOf(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw new HttpError(400, 'INVALID_REQUEST', `bad escape in path segment '${s}'`, 'path');
      }
    });
}
