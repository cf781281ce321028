import type { Event, Runner, RunRequest } from '@rxagents/core';
import { concat, firstValueFrom, fromEvent, map, Observable, of, takeUntil } from 'rxjs';
import type { HandlerContext } from '../createHandler.js';
import type { LiveRun } from './LiveRun.js';
import { loadSession } from './loadSession.js';
import { asRecord, invalid, parseRunBody } from './parseRunBody.js';
import { readJson } from './readJson.js';
import { json } from './responses.js';
import type { Route, SessionTarget } from './routes.js';
import { runMessageToSse, sseHeaders, sseMessage, streamResponse } from './sse.js';

/**
 * `POST …/sessions/:id/runs`: starts a run held by the server and streams it as SSE. With
 * `resume` (answers by request id) the run resumes the paused invocation; its answers are checked
 * before the response is sent, so a refused resume is a 4xx JSON error, not a stream.
 */
export async function startRun(
  context: HandlerContext,
  route: Route,
  { name, runner, key }: SessionTarget,
): Promise<Response> {
  const body = parseRunBody(await readJson(route.request, context.maxBodyBytes));
  const session = await loadSession(runner, key);
  const runId = context.runIds();
  const run = context.runs.open(
    runId,
    name,
    key.userId,
    key.sessionId,
    body.onDisconnect,
    session.events.length,
  );
  const response = runResponse(context, route, run, undefined);
  const request: { -readonly [K in keyof RunRequest]: RunRequest[K] } = {
    userId: key.userId,
    sessionId: key.sessionId,
    invocationId: runId,
  };
  if (body.newMessage !== undefined) request.newMessage = body.newMessage;
  if (body.stateDelta !== undefined) request.stateDelta = body.stateDelta;
  if (body.resume !== undefined) request.resume = body.resume;
  run.start(runner, request);
  if (body.resume !== undefined) await refusedResume(run, response);
  return response;
}

// A resume that ends before its first event was refused (no pending request, an unknown or
// answered id, an answer off its schema, a diverging replay): nothing was committed, so the
// client gets the error itself. The stream already attached ends with the run; drop it.
async function refusedResume(run: LiveRun, response: Response): Promise<void> {
  const opening = await run.opening();
  if (opening.kind === 'end' && opening.status === 'failed') {
    await response.body?.cancel();
    throw opening.error;
  }
}

/**
 * `GET /runs/:id/events`: attaches to a run. With `Last-Event-ID` (the header an `EventSource`
 * sends on reconnect, or `?lastEventId=`) the committed events after it come first, then the live
 * ones. A run that ended with nothing left to send answers 204, which stops an `EventSource`
 * from reconnecting.
 */
export function attachRun(context: HandlerContext, route: Route, runId: string): Response {
  const run = context.runs.get(runId);
  const lastEventId =
    route.request.headers.get('last-event-id') ??
    new URL(route.request.url).searchParams.get('lastEventId') ??
    undefined;
  if (run.status !== 'running' && lastEventId !== undefined && run.caughtUp(lastEventId)) {
    return new Response(null, { status: 204, headers: route.headers ?? {} });
  }
  return runResponse(context, route, run, lastEventId);
}

/** `POST /runs/:id/cancel`: stops the run on the server, whichever connection asks. */
export function cancelRun(context: HandlerContext, route: Route, runId: string): Response {
  const run = context.runs.get(runId);
  run.cancel();
  return json(200, run.summary(), route.headers);
}

/**
 * `POST /agents/:agent/users/:user/chat`: the AI SDK `useChat` request (`{ id, messages }`). The
 * chat id is the session (created when missing); the last user message is the new message; the
 * run is cancelled when the response is dropped (useChat's Stop aborts the fetch).
 */
export async function startChat(
  context: HandlerContext,
  route: Route,
  name: string,
  runner: Runner,
  userId: string,
): Promise<Response> {
  const body = asRecord(await readJson(route.request, context.maxBodyBytes), 'body');
  const sessionId = body.id;
  if (typeof sessionId !== 'string' || sessionId === '')
    throw invalid('id', 'must be the chat id (a non-empty string)');
  if (!Array.isArray(body.messages)) throw invalid('messages', 'must be an array of UI messages');
  const message = lastUserText(body.messages);
  const key = { appName: runner.appName, userId, sessionId };
  const found = await firstValueFrom(runner.sessionService.getSession(key), { defaultValue: undefined });
  if (found === undefined) await firstValueFrom(runner.sessionService.createSession(key));
  const runId = context.runIds();
  const run = context.runs.open(runId, name, userId, sessionId, 'cancel', found?.events.length ?? 0);
  const events = new Observable<Event>((subscriber) =>
    run.attach().subscribe({
      next: (m) => {
        if (m.kind === 'event') subscriber.next(m.event);
        else if (m.status === 'failed') subscriber.error(m.error);
        else subscriber.complete();
      },
    }),
  ).pipe(takeUntil(fromEvent(route.request.signal, 'abort')));
  const response = context.chat!.respond(events);
  response.headers.set('x-run-id', runId);
  route.headers?.forEach((value, header) => {
    response.headers.set(header, value);
  });
  run.start(runner, {
    userId,
    sessionId,
    invocationId: runId,
    ...(message === undefined ? {} : { newMessage: message }),
  });
  return response;
}

function runResponse(
  context: HandlerContext,
  route: Route,
  run: LiveRun,
  lastEventId: string | undefined,
): Response {
  const messages = run.attach(lastEventId);
  const headers = sseHeaders(route.headers);
  headers.set('x-run-id', run.runId);
  const first = sseMessage(
    { runId: run.runId, agent: run.agent, sessionId: run.sessionId },
    {
      event: 'run',
      retry: context.reconnectMs,
    },
  );
  return streamResponse(concat(of(first), messages.pipe(map(runMessageToSse))), {
    headers,
    signal: route.request.signal,
  });
}

// The text of the newest user message of a UI message list (its text parts, joined).
function lastUserText(messages: readonly unknown[]): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = asRecord(messages[i], `messages[${i}]`);
    if (message.role !== 'user') continue;
    if (!Array.isArray(message.parts)) throw invalid(`messages[${i}].parts`, 'must be an array');
    return message.parts
      .map((part: unknown) => {
        const p = part as { type?: unknown; text?: unknown };
        return p.type === 'text' && typeof p.text === 'string' ? p.text : '';
      })
      .join('');
  }
  return undefined;
}
