// One class with the whole path of a run (load, resume, commit, append) kept together: its parts
// are small and read in order; the pieces that stand alone live in internal/.
import type { Tracer } from '@opentelemetry/api';
import {
  asyncScheduler,
  catchError,
  concatMap,
  EMPTY,
  fromEvent,
  ignoreElements,
  materialize,
  Observable,
  type ObservableNotification,
  of,
  type SchedulerLike,
  takeUntil,
  throwError,
} from 'rxjs';
import type { BaseAgent } from './BaseAgent.js';
import type { Content } from './Content.js';
import { concatLazy } from './concatLazy.js';
import type { Event, EventInit } from './Event.js';
import { SessionExistsError } from './errors.js';
import { InMemorySessionService } from './InMemorySessionService.js';
import {
  InvocationContext,
  type InvocationContextOptions,
  type InvocationServices,
  type RunConfig,
} from './InvocationContext.js';
import { isPause } from './InvocationPaused.js';
import { type IdGenerator, sequentialIds } from './ids.js';
import { concatMapEager } from './internal/concatMapEager.js';
import { answersOf, userContentOf } from './internal/requestAnswers.js';
import { resumeInvocation } from './internal/resumeInvocation.js';
import { storeError } from './internal/storeError.js';
import { AppendSync, SessionFound } from './internal/subscribers.js';
import { validateRequest } from './internal/validateRequest.js';
import type { JsonValue } from './json.js';
import type { ReplayLog } from './ReplayLog.js';
import type { Session, SessionKey } from './Session.js';
import type { SessionService } from './SessionService.js';
import { STATE_PREFIX, type StateDelta } from './StateStore.js';

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
  /**
   * Id of this invocation. When given (and the runner has no `idGenerator`), event ids are
   * derived from it (`<invocationId>-e1`, `-e2`, …), so a re-run produces the same ids.
   */
  readonly invocationId?: string;
  /**
   * Resume an invocation whose earlier attempt was interrupted (a worker died): when the session
   * already holds events of `invocationId`, the agent is re-run from the start on the state just
   * before the first of them, and each event the re-run produces at a position the log already
   * holds with the same id is not appended again (the session service treats it as a no-op).
   * Agents are re-executed; only the session log is exactly-once. Requires `invocationId`.
   * When the invocation was paused and answered (a resume was interrupted), it is replayed over
   * its log instead, as the resume did: nothing the log records runs again.
   *
   * Or answers for paused requests, by request id (see `requestInput`, `pendingRequests`): the
   * paused invocation is re-run over its log, nothing the log records is done again, and it goes
   * on from where it paused. Requests left unanswered stay pending. Checked before anything is
   * committed: `NothingPendingError`, `UnknownRequestError`, `RequestAlreadyAnsweredError`,
   * `InvalidAnswerError`, `ReplayDivergedError`.
   */
  readonly resume?: boolean | Readonly<Record<string, JsonValue>>;
}

/**
 * Runs the root agent for a user's message in a session: loads (or creates) the session,
 * appends the user's event, runs the agent, and appends every non-partial event through the
 * session service in order. The Observable completes after the last append is durable; it emits
 * every event of the agent (partial ones included) as it is appended.
 *
 * @example
 * ```ts
 * import { agent, InMemorySessionService, Runner, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: text('a draft') })));
 * const runner = new Runner({ appName: 'stories', agent: writer, sessionService: new InMemorySessionService() });
 * runner
 *   .run({ userId: 'u1', sessionId: 's1', newMessage: text('a story about a fox') })
 *   .subscribe((e) => console.log(e.author, e.actions.stateDelta));
 * ```
 */
export class Runner {
  readonly appName: string;
  readonly agent: BaseAgent;
  readonly sessionService: SessionService;
  private readonly options: RunnerOptions;
  // The same for every invocation: one frozen object per Runner, not one per run (with the user
  // event built without spreads, no bound append and the lazy WeakSet of escalations: W4 −6%
  // bytes allocated per run).
  private readonly services: InvocationServices;

  constructor(options: RunnerOptions) {
    this.appName = options.appName;
    this.agent = options.agent;
    this.sessionService = options.sessionService ?? new InMemorySessionService();
    this.options = options;
    this.services = Object.freeze({ sessionService: this.sessionService });
  }

  /** Runs one turn; cold: nothing happens until subscription. */
  run(request: RunRequest): Observable<Event> {
    const { signal } = request;
    // One Observable whose subscriber receives the agent's events straight from the append step,
    // rather than a defer + two concatMaps that every event of the run would pass through.
    const run = new Observable<Event>((subscriber) => {
      if (signal?.aborted === true) {
        subscriber.complete();
        return;
      }
      // Before anything is loaded or committed: a bad request leaves the session as it was.
      validateRequest(this.agent.name, request);
      const key = { appName: this.appName, userId: request.userId, sessionId: request.sessionId };
      const service = this.sessionService;
      const start = (session: Session): Observable<Event> => {
        subscriber.add(() => dropTemp(session));
        return this.begin(session, request);
      };
      if (isSynchronous(service)) {
        start(service.getOrCreateSessionSync(key)).subscribe(subscriber);
        return;
      }
      sessionFor(service, key).subscribe(new SessionFound(subscriber, start));
    });
    return signal === undefined ? run : run.pipe(takeUntil(fromEvent(signal, 'abort')));
  }

  // A new invocation, the resume of an interrupted one, or the answers to a paused one.
  private begin(session: Session, request: RunRequest): Observable<Event> {
    const answers = answersOf(session, request);
    // An interrupted resume of an answered invocation goes on over its log, like the resume did.
    const going =
      answers === undefined && request.resume === true && wasAnswered(session, request.invocationId!)
        ? request.invocationId
        : undefined;
    if (answers === undefined && going === undefined)
      return this.invoke(resumePoint(session, request), request);
    const scheduler = this.options.scheduler ?? asyncScheduler;
    return resumeInvocation({
      root: this.agent,
      session,
      service: this.sessionService,
      answers: answers ?? {},
      ...(going === undefined ? {} : { continueInvocation: going }),
      content: userContentOf(request.newMessage),
      now: () => scheduler.now(),
      context: (copy, replay, invocationId, userContent, attempt) =>
        this.context(
          copy,
          { ...request, invocationId },
          userContent,
          replay,
          `${invocationId}-r${attempt}-e`,
        ),
      storeError: (event, error) => storeError(session, event, error),
    });
  }

  // The entry agent of a run on `session` and its root context.
  private context(
    session: Session,
    request: RunRequest,
    userContent: Content | undefined,
    replay?: ReplayLog,
    idPrefix = `${request.invocationId}-e`,
  ): { entry: BaseAgent; ctx: InvocationContext } {
    const { invocationId } = request;
    const { scheduler, idGenerator, runConfig, tracer } = this.options;
    // Set field by field rather than spread from conditional literals (six spreads per run).
    const options: Mutable<InvocationContextOptions> = {
      agent: this.agent,
      session,
      services: this.services,
    };
    // The agent this message goes to: the root, or the agent the conversation was transferred to.
    const entry = agentToRun(this.agent, session);
    if (entry !== this.agent) options.branch = branchOf(entry.parentAgent);
    if (userContent !== undefined) options.userContent = userContent;
    if (scheduler !== undefined) options.scheduler = scheduler;
    if (invocationId !== undefined) options.invocationId = invocationId;
    // Without one, the context makes a generator per invocation (randomIds): its counter stays
    // short, and a one-character counter is a string V8 shares (one generator per Runner made
    // each id's counter a string of its own: +35 to +50 B of heap per idle session, W5 alone).
    if (idGenerator !== undefined) options.idGenerator = idGenerator;
    // A resume's new events get ids of their own (`-r1-e1`, …); recorded ones keep theirs.
    else if (invocationId !== undefined) options.idGenerator = sequentialIds(idPrefix);
    if (runConfig !== undefined) options.runConfig = runConfig;
    if (tracer !== undefined) options.tracer = tracer;
    if (replay !== undefined) options.replay = replay;
    return { entry, ctx: InvocationContext.create(options) };
  }

  private invoke(session: Session, request: RunRequest): Observable<Event> {
    const service = this.sessionService;
    const userContent = userContentOf(request.newMessage);
    const { entry, ctx } = this.context(session, request, userContent);
    const userEvent = userEventOf(ctx, userContent, request.stateDelta);
    const events = entry.runAsync(ctx);
    if (isSynchronous(service)) {
      // A synchronous store (in memory): the user's event is appended on subscription, then each
      // event of the agent as it arrives, in one subscriber.
      return new Observable<Event>((subscriber) => {
        if (userEvent !== undefined) {
          try {
            service.appendEventSync(session, userEvent);
          } catch (error) {
            subscriber.error(storeError(session, userEvent, error));
            return;
          }
        }
        events.subscribe(new AppendSync(subscriber, session, service));
      });
    }
    // A service that orders a session's appends itself is handed each one as its event arrives,
    // so those queuing behind one in flight reach it together (it may store them in one go).
    const appendEach: typeof concatMapEager = service.appendsInOrder === true ? concatMapEager : concatMap;
    const appended = events.pipe(
      // Materialised so an agent's error waits behind the appends already queued: events
      // committed in memory before the failure still become durable before the run fails.
      materialize(),
      appendEach((note: ObservableNotification<Event>): Observable<Event> => {
        // A pause ends the run cleanly: its requests were the last events of their branches.
        if (note.kind === 'E') return isPause(note.error) ? EMPTY : throwError(() => note.error);
        if (note.kind === 'C') return EMPTY;
        const event = note.value;
        return event.partial === true
          ? of(event)
          : service
              .appendEvent(session, event)
              .pipe(catchError((error: unknown) => throwError(() => storeError(session, event, error))));
      }),
    );
    if (userEvent === undefined) return appended;
    const appendUser = service.appendEvent(session, userEvent).pipe(
      ignoreElements(),
      catchError((error: unknown) => throwError(() => storeError(session, userEvent, error))),
    );
    // concatLazy rather than concat: the same order with fewer subscribers per run.
    return concatLazy((i) => (i === 0 ? appendUser : i === 1 ? appended : undefined));
  }
}

// The Runner's two routes: a store that needs no I/O has both synchronous methods and is loaded
// and appended to without an Observable; any other store (or one with only one of the two) goes
// through its Observable methods for both.
function isSynchronous(
  service: SessionService,
): service is SessionService & Required<Pick<SessionService, 'getOrCreateSessionSync' | 'appendEventSync'>> {
  return service.getOrCreateSessionSync !== undefined && service.appendEventSync !== undefined;
}

// The session of a key, created when missing.
function sessionFor(service: SessionService, key: SessionKey): Observable<Session> {
  return service.getSession(key).pipe(
    concatMap((found) =>
      found === undefined
        ? service.createSession(key).pipe(
            // Another process created it between our get and create: use theirs.
            catchError((error: unknown) =>
              error instanceof SessionExistsError
                ? service
                    .getSession(key)
                    .pipe(concatMap((s) => (s === undefined ? throwError(() => error) : of(s))))
                : throwError(() => error),
            ),
          )
        : of(found),
    ),
  );
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// The user's event of an invocation, if it has a message or a state delta: its init set field by
// field rather than spread from conditional literals.
function userEventOf(
  ctx: InvocationContext,
  content: Content | undefined,
  stateDelta: StateDelta | undefined,
): Event | undefined {
  if (content === undefined && stateDelta === undefined) return undefined;
  const init: Mutable<EventInit> = { author: 'user', branch: '' };
  if (content !== undefined) init.content = content;
  if (stateDelta !== undefined) init.actions = { stateDelta };
  return ctx.newEvent(init);
}

// ADK's Runner._find_agent_to_run: the author of the latest agent event that is the root, or
// that accepts follow-ups with all its ancestors (LLM agents that may transfer back up). Authors
// that do not, and unknown ones, are passed over for older events (root → a → single: `a`).
function agentToRun(root: BaseAgent, session: Session): BaseAgent {
  // The root is an ancestor of every sub-agent: when it does not accept follow-ups, none of them
  // passes, and the answer is the root whatever the log holds. Why it is asked first: without it,
  // every invocation under a workflow root looked at every past event, with a search of the tree
  // for each (`bench:long`, W4 on one session: 263 µs per invocation in the first quarter of 4,000
  // invocations, 1,747 µs in the last; now 15–25 µs throughout, as on a fresh session).
  if (!root.acceptsFollowUp()) return root;
  const events = session.events;
  for (let i = events.length - 1; i >= 0; i--) {
    const author = events[i]!.author;
    if (author === 'user') continue;
    if (author === root.name) return root;
    const agent = root.findSubAgent(author);
    if (agent !== undefined && acceptsFollowUpUpToRoot(agent)) return agent;
  }
  return root;
}

// ADK's _is_transferable_across_agent_tree.
function acceptsFollowUpUpToRoot(agent: BaseAgent): boolean {
  for (let a: BaseAgent | undefined = agent; a !== undefined; a = a.parentAgent) {
    if (!a.acceptsFollowUp()) return false;
  }
  return true;
}

// The branch an agent's run gets under its parent: the names from the root down, dot-separated.
function branchOf(agent: BaseAgent | undefined): string {
  const names: string[] = [];
  for (let a = agent; a !== undefined; a = a.parentAgent) names.push(a.name);
  return names.reverse().join('.');
}

// Where a resumed invocation starts: the session as it was before the interrupted attempt.
function resumePoint(session: Session, request: RunRequest): Session {
  if (request.resume !== true) return session;
  const first = session.firstIndexOf(request.invocationId!);
  return first === -1 ? session : session.prefix(first);
}

// temp: keys live for one invocation: dropped when it ends (completed, failed or cancelled), not
// when someone reads the session, which must not change what a run sees. Never stored anyway.
function dropTemp(session: Session): void {
  session.state.removePrefixed(STATE_PREFIX.temp);
}

// Whether answers were given to the invocation (then a `resume: true` replays it over its log).
function wasAnswered(session: Session, invocationId: string): boolean {
  const events = session.events;
  const first = session.firstIndexOf(invocationId);
  if (first === -1) return false;
  for (let i = first; i < events.length; i++) {
    const event = events[i]!;
    if (event.invocationId === invocationId && event.actions.inputAnswers !== undefined) return true;
  }
  return false;
}
