// Test-only helpers for the core's own tests (the public test kit is @rxagents/testing).

import { firstValueFrom, map, type Observable, of, type SchedulerLike, timer } from 'rxjs';
import { expect } from 'vitest';
import { defined } from '../../../test/support/defined.js';
import type { BaseAgent } from '../src/BaseAgent.js';
import { text } from '../src/Content.js';
import type { Event, EventActions } from '../src/Event.js';
import { agent, type FunctionAgent } from '../src/FunctionAgent.js';
import { InvocationContext } from '../src/InvocationContext.js';
import { sequentialIds } from '../src/ids.js';
import { Session } from '../src/Session.js';
import type { SessionService } from '../src/SessionService.js';

export { thrown } from '../../../test/support/thrown.js';

/** A root context over a fresh session, deterministic ids. */
export function rootContext(
  root: BaseAgent,
  options: { state?: Record<string, unknown>; scheduler?: SchedulerLike } = {},
): InvocationContext {
  const session = new Session({ id: 's1', appName: 'app', userId: 'u1', state: options.state ?? {} });
  return InvocationContext.create({
    agent: root,
    session,
    idGenerator: sequentialIds('e'),
    ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
  });
}

/** Subscribes synchronously and returns every event (for flows without delays). */
export function collect(events: Observable<Event>): Event[] {
  const out: Event[] = [];
  let failure: unknown;
  let failed = false;
  events.subscribe({
    next: (e) => out.push(e),
    error: (e: unknown) => {
      failure = e;
      failed = true;
    },
  });
  if (failed) throw failure;
  return out;
}

/** Runs an agent under a root context and returns its events and the session. */
export function runAgent(root: BaseAgent, state: Record<string, unknown> = {}) {
  const ctx = rootContext(root, { state });
  return { events: collect(root.runAsync(ctx)), session: ctx.session, ctx };
}

/** An agent that emits one text event (its name by default) with optional actions. */
export function say(
  name: string,
  actions: Partial<EventActions> = {},
  content: string = name,
): FunctionAgent {
  return agent(name, (ctx) => of(ctx.newEvent({ content: text(content), actions })));
}

/** An agent that emits one event after `ms` of the context's scheduler. */
export function sayAfter(name: string, ms: number, actions: Partial<EventActions> = {}): FunctionAgent {
  return agent(name, (ctx) =>
    timer(ms, ctx.scheduler).pipe(map(() => ctx.newEvent({ content: text(name), actions }))),
  );
}

/** `author@branch` of each event, compact for assertions. */
export function trace(events: readonly Event[]): string[] {
  return events.map((e) => `${e.author}@${e.branch}`);
}

/**
 * A store that forwards every call to `inner` but those `overrides` replaces: how a test makes
 * one store call fail, stall or race while the rest behave (the optional sync paths stay off, so
 * the runner takes the asynchronous route the override is on).
 */
export function storeOver(inner: SessionService, overrides: Partial<SessionService>): SessionService {
  return {
    createSession: (r) => inner.createSession(r),
    getSession: (r) => inner.getSession(r),
    listSessions: (r) => inner.listSessions(r),
    deleteSession: (r) => inner.deleteSession(r),
    appendEvent: (session, event) => inner.appendEvent(session, event),
    ...overrides,
  };
}

/** The session `service` stores under `key` (the tests' usual one by default); the test fails if none. */
export async function storedSession(
  service: SessionService,
  key = { appName: 'app', userId: 'u1', sessionId: 's1' },
): Promise<Session> {
  return defined(await firstValueFrom(service.getSession(key)), 'no session');
}

/** The trace of what `root` emits run to completion (see `trace`). */
export function traceOf(root: BaseAgent, state: Record<string, unknown> = {}): string[] {
  return trace(runAgent(root, state).events);
}

/**
 * Runs `root` expecting it to fail with `error` (a message, pattern or class) and returns its
 * session, so a test can check that what was committed before the failure stays committed.
 */
export function failedSession(
  root: BaseAgent,
  error: string | RegExp | (new (...args: never[]) => Error),
): Session {
  const ctx = rootContext(root);
  expect(() => collect(root.runAsync(ctx))).toThrow(error);
  return ctx.session;
}
