import { type BaseAgent, pendingRequests, type Runner, type Session, type SessionKey } from '@rxagents/core';
import { firstValueFrom } from 'rxjs';
import type { HandlerContext } from '../createHandler.js';
import { HttpError } from '../HttpError.js';
import { loadSession } from './loadSession.js';
import { asRecord, invalid } from './parseRunBody.js';
import { readJson } from './readJson.js';
import { json } from './responses.js';
import { attachRun, cancelRun, startChat, startRun } from './runRoutes.js';

/** One request as the routes see it: its path segments and the CORS headers to add. */
export interface Route {
  readonly request: Request;
  readonly segments: readonly string[];
  readonly headers: Headers | undefined;
}

/** What a route of one session acts on: the agent's name in the handler, its runner, the session's key. */
export interface SessionTarget {
  readonly name: string;
  readonly runner: Runner;
  readonly key: SessionKey;
}

/** Dispatches a request to its route (404 for an unknown path, 405 for a wrong method). */
export function routeRequest(context: HandlerContext, route: Route): Promise<Response> | Response {
  const [head, name, users, userId, kind, sessionId, tail, ...rest] = route.segments;
  const method = route.request.method;
  if (head === 'agents' && name === undefined) return only(method, 'GET', () => listAgents(context, route));
  if (head === 'runs' && name !== undefined && userId === undefined) {
    if (users === undefined)
      return only(method, 'GET', () => json(200, context.runs.get(name).summary(), route.headers));
    if (users === 'events') return only(method, 'GET', () => attachRun(context, route, name));
    if (users === 'cancel') return only(method, 'POST', () => cancelRun(context, route, name));
  }
  if (
    head === 'agents' &&
    name !== undefined &&
    users === 'users' &&
    userId !== undefined &&
    rest.length === 0
  ) {
    const runner = runnerOf(context, name);
    if (kind === 'chat' && sessionId === undefined && context.chat !== undefined) {
      return only(method, 'POST', () => startChat(context, route, name, runner, userId));
    }
    if (kind === 'sessions' && sessionId === undefined) {
      if (method === 'GET') return listSessions(route, runner, userId);
      return only(method, 'POST', () => createSession(context, route, runner, userId));
    }
    if (kind === 'sessions' && sessionId !== undefined) {
      const target: SessionTarget = { name, runner, key: { appName: runner.appName, userId, sessionId } };
      if (tail === undefined) {
        if (method === 'DELETE') return deleteSession(context, route, target);
        return only(method, 'GET', () => getSession(context, route, target));
      }
      if (tail === 'state') return only(method, 'GET', () => stateAt(route, target));
      if (tail === 'runs') return only(method, 'POST', () => startRun(context, route, target));
    }
  }
  throw new HttpError(404, 'NOT_FOUND', `no route ${method} /${route.segments.join('/')}`);
}

function only(
  method: string,
  allowed: string,
  handle: () => Promise<Response> | Response,
): Promise<Response> | Response {
  if (method !== allowed) throw new HttpError(405, 'METHOD_NOT_ALLOWED', `use ${allowed}`, 'method');
  return handle();
}

export function runnerOf(context: HandlerContext, name: string): Runner {
  const runner = context.runners.get(name);
  if (runner === undefined) throw new HttpError(404, 'AGENT_NOT_FOUND', `no agent '${name}'`, 'agent');
  return runner;
}

/** An agent and its sub-agents, as JSON. */
export interface AgentTree {
  readonly name: string;
  readonly description: string;
  readonly subAgents: readonly AgentTree[];
}

function treeOf(agent: BaseAgent): AgentTree {
  return { name: agent.name, description: agent.description, subAgents: agent.subAgents.map(treeOf) };
}

function listAgents(context: HandlerContext, route: Route): Response {
  const agents = [...context.runners].map(([name, runner]) => ({
    ...treeOf(runner.agent),
    name,
    root: runner.agent.name,
  }));
  return json(200, agents, route.headers);
}

async function listSessions(route: Route, runner: Runner, userId: string): Promise<Response> {
  const sessions = await firstValueFrom(
    runner.sessionService.listSessions({ appName: runner.appName, userId }),
  );
  return json(200, sessions, route.headers);
}

async function createSession(
  context: HandlerContext,
  route: Route,
  runner: Runner,
  userId: string,
): Promise<Response> {
  const body = asRecord(await readJson(route.request, context.maxBodyBytes), 'body');
  const { sessionId, state } = body;
  if (sessionId !== undefined && (typeof sessionId !== 'string' || sessionId === '')) {
    throw invalid('sessionId', 'must be a non-empty string');
  }
  const request = {
    appName: runner.appName,
    userId,
    ...(sessionId === undefined ? {} : { sessionId }),
    ...(state === undefined ? {} : { state: asRecord(state, 'state') }),
  };
  const session = await firstValueFrom(runner.sessionService.createSession(request));
  return json(201, sessionJson(session, undefined), route.headers);
}

async function getSession(
  context: HandlerContext,
  route: Route,
  { name, runner, key }: SessionTarget,
): Promise<Response> {
  const session = await loadSession(runner, key);
  return json(
    200,
    sessionJson(session, context.runs.liveOn(name, key.userId, key.sessionId)?.runId),
    route.headers,
  );
}

async function deleteSession(
  context: HandlerContext,
  route: Route,
  { name, runner, key }: SessionTarget,
): Promise<Response> {
  await loadSession(runner, key);
  // A live run would go on appending to a deleted session: it is stopped first.
  context.runs.liveOn(name, key.userId, key.sessionId)?.cancel();
  await firstValueFrom(runner.sessionService.deleteSession(key), { defaultValue: undefined });
  return new Response(null, { status: 204, headers: route.headers ?? {} });
}

async function stateAt(route: Route, { runner, key }: SessionTarget): Promise<Response> {
  const session = await loadSession(runner, key);
  const raw = new URL(route.request.url).searchParams.get('at');
  const last = session.events.length - 1;
  const at = raw === null ? last : Number(raw);
  if (!Number.isInteger(at) || at < -1 || at > last) throw invalid('at', `must be an integer in -1..${last}`);
  const eventId = at === -1 ? null : session.events[at]!.id;
  return json(200, { at, eventId, state: session.stateAt(at) }, route.headers);
}

/**
 * A session as JSON: its identity, current state, committed events, live run and the requests
 * it waits for (id, kind, payload, JSON schema, asking agent, branch): what a UI renders and
 * answers with `POST …/runs { resume }`.
 */
export function sessionJson(session: Session, liveRun: string | undefined) {
  return {
    id: session.id,
    appName: session.appName,
    userId: session.userId,
    lastUpdateTime: session.lastUpdateTime,
    state: session.state.snapshot(),
    events: session.events,
    liveRun: liveRun ?? null,
    pendingRequests: pendingRequests(session),
  };
}
