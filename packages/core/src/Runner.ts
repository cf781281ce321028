import type { Tracer } from '@opentelemetry/api';
import {
  concat,
  concatMap,
  defer,
  EMPTY,
  fromEvent,
  ignoreElements,
  map,
  type Observable,
  of,
  type SchedulerLike,
  takeUntil,
} from 'rxjs';
import type { BaseAgent } from './BaseAgent.js';
import { type Content, text } from './Content.js';
import type { Event } from './Event.js';
import { InMemorySessionService } from './InMemorySessionService.js';
import { InvocationContext, type RunConfig } from './InvocationContext.js';
import type { IdGenerator } from './ids.js';
import type { Session } from './Session.js';
import type { SessionService } from './SessionService.js';
import type { StateDelta } from './StateStore.js';

/** Options of {@link Runner}. */
export interface RunnerOptions {
  readonly appName: string;
  /** The root agent run for every message. */
  readonly agent: BaseAgent;
  /** Where sessions live. Default: a new {@link InMemorySessionService}. */
  readonly sessionService?: SessionService;
  /** Source of time for every invocation. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Source of event and invocation ids. Default: random. */
  readonly idGenerator?: IdGenerator;
  readonly runConfig?: RunConfig;
  /** OpenTelemetry tracer; default: the registered global provider's, or tracing off. */
  readonly tracer?: Tracer;
}

/** One call of {@link Runner.run}. */
export interface RunRequest {
  readonly userId: string;
  readonly sessionId: string;
  /** The user's message (a string becomes one text part); omit to run without one. */
  readonly newMessage?: Content | string;
  /** State changes committed with the user's event, before the agent runs. */
  readonly stateDelta?: StateDelta;
  /** Aborting it stops the run like unsubscribing does. */
  readonly signal?: AbortSignal;
}

/**
 * Runs the root agent for a user's message in a session: loads (or creates) the session,
 * appends the user's event, runs the agent, and appends every non-partial event through the
 * session service in order. The Observable completes after the last append is durable; it emits
 * every event of the agent (partial ones included) as it is appended.
 *
 * @example
 * ```ts
 * import { InMemorySessionService, Runner, text } from '@rxagents/core';
 * const runner = new Runner({ appName: 'stories', agent: flow, sessionService: new InMemorySessionService() });
 * runner.run({ userId: 'u1', sessionId: 's1', newMessage: text('a story about a fox') })
 *   .subscribe((e) => console.log(e.author, e.actions.stateDelta));
 * ```
 */
export class Runner {
  readonly appName: string;
  readonly agent: BaseAgent;
  readonly sessionService: SessionService;
  private readonly options: RunnerOptions;

  constructor(options: RunnerOptions) {
    this.appName = options.appName;
    this.agent = options.agent;
    this.sessionService = options.sessionService ?? new InMemorySessionService();
    this.options = options;
  }

  /** Runs one turn; cold: nothing happens until subscription. */
  run(request: RunRequest): Observable<Event> {
    const { signal } = request;
    const run = defer(() => {
      if (signal?.aborted === true) return EMPTY;
      const service = this.sessionService;
      const key = { appName: this.appName, userId: request.userId, sessionId: request.sessionId };
      return service.getSession(key).pipe(
        concatMap((found) => (found === undefined ? service.createSession(key) : of(found))),
        concatMap((session) => this.invoke(session, request)),
      );
    });
    return signal === undefined ? run : run.pipe(takeUntil(fromEvent(signal, 'abort')));
  }

  private invoke(session: Session, request: RunRequest): Observable<Event> {
    const service = this.sessionService;
    const message =
      typeof request.newMessage === 'string' ? text(request.newMessage, 'user') : request.newMessage;
    const userContent: Content | undefined = message === undefined ? undefined : { ...message, role: 'user' };
    const ctx = InvocationContext.create({
      agent: this.agent,
      session,
      ...(userContent === undefined ? {} : { userContent }),
      ...(this.options.scheduler === undefined ? {} : { scheduler: this.options.scheduler }),
      ...(this.options.idGenerator === undefined ? {} : { idGenerator: this.options.idGenerator }),
      ...(this.options.runConfig === undefined ? {} : { runConfig: this.options.runConfig }),
      ...(this.options.tracer === undefined ? {} : { tracer: this.options.tracer }),
      services: { sessionService: service },
    });
    const userEvent =
      userContent === undefined && request.stateDelta === undefined
        ? undefined
        : ctx.newEvent({
            author: 'user',
            branch: '',
            ...(userContent === undefined ? {} : { content: userContent }),
            ...(request.stateDelta === undefined ? {} : { actions: { stateDelta: request.stateDelta } }),
          });
    const events = this.agent.runAsync(ctx);
    const sync = service.appendEventSync?.bind(service);
    const appended =
      sync === undefined
        ? events.pipe(
            concatMap((event) => (event.partial === true ? of(event) : service.appendEvent(session, event))),
          )
        : events.pipe(map((event) => (event.partial === true ? event : sync(session, event))));
    return userEvent === undefined
      ? appended
      : concat(service.appendEvent(session, userEvent).pipe(ignoreElements()), appended);
  }
}
