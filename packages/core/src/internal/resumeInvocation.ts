import {
  catchError,
  concat,
  concatMap,
  concatWith,
  defer,
  EMPTY,
  ignoreElements,
  materialize,
  type Observable,
  of,
  tap,
  throwError,
} from 'rxjs';
import type { BaseAgent } from '../BaseAgent.js';
import type { Content } from '../Content.js';
import type { Event } from '../Event.js';
import { type PendingRequest, pendingRequests } from '../InputRequest.js';
import type { InvocationContext } from '../InvocationContext.js';
import { isPause } from '../InvocationPaused.js';
import type { JsonValue } from '../json.js';
import { ReplayLog } from '../ReplayLog.js';
import {
  NothingPendingError,
  ReplayDivergedError,
  RequestAlreadyAnsweredError,
  UnknownRequestError,
} from '../resumeErrors.js';
import type { Session } from '../Session.js';
import type { SessionService } from '../SessionService.js';
import { sameJson } from './sameJson.js';

/** What the Runner hands to a resume. */
export interface ResumeDeps {
  readonly root: BaseAgent;
  readonly session: Session;
  readonly service: SessionService;
  readonly answers: Readonly<Record<string, JsonValue>>;
  /** The resuming message (a function response for a long-running tool), carried by the answer event. */
  readonly content: Content | undefined;
  readonly now: () => number;
  /** Builds the entry agent and root context of the paused invocation over `copy`. */
  readonly context: (
    copy: Session,
    replay: ReplayLog,
    invocationId: string,
    userContent: Content | undefined,
    attempt: string,
  ) => { readonly entry: BaseAgent; readonly ctx: InvocationContext };
  /**
   * Continue this paused-and-answered invocation after an interrupted resume (`resume: true`):
   * no new answers, so no checks, no dry pass and no answers' event; only the replay.
   */
  readonly continueInvocation?: string;
  /** Turns a failed append into the Runner's typed error. */
  readonly storeError: (event: Event, error: unknown) => unknown;
}

/**
 * Resumes a paused invocation with answers: checks them, replays the invocation over its log in
 * a dry pass (every answer checked against its schema, nothing released, nothing stored), appends
 * the answers as one user event (the optimistic append decides a race), then replays again for
 * real: recorded events are neither stored nor emitted again, new ones are appended to the stored
 * session and emitted. A pause at the end completes the stream, like a first run's.
 */
export function resumeInvocation(deps: ResumeDeps): Observable<Event> {
  return defer(() => {
    const { session, answers, root } = deps;
    const going = deps.continueInvocation;
    const { invocationId, first } =
      going === undefined
        ? checkAnswers(root.name, session, answers)
        : { invocationId: going, first: session.firstIndexOf(going) };
    const events = session.events;
    const opening = events[first]!;
    const hasMessage = opening.author === 'user' && opening.actions.inputAnswers === undefined;
    const start = hasMessage ? first + 1 : first;
    const recorded: Event[] = [];
    let resumes = 0;
    for (let i = start; i < events.length; i++) {
      const event = events[i]!;
      if (event.invocationId !== invocationId) continue;
      recorded.push(event);
      if (event.actions.inputAnswers !== undefined) resumes++;
    }
    const run = (replay: ReplayLog) => {
      const { entry, ctx } = deps.context(
        session.prefix(start),
        replay,
        invocationId,
        hasMessage ? opening.content : undefined,
        // Continuing after an interrupted resume: ids unlike those of the attempt it continues.
        going === undefined ? `${resumes + 1}` : `${resumes}-${recorded.length}`,
      );
      return entry.runAsync(ctx);
    };
    const answerEvent = answersEvent(deps, invocationId, resumes + 1);
    const replayed = going === undefined ? [...recorded, answerEvent] : recorded;
    const dry = defer(() => {
      const replay = new ReplayLog(recorded, answers, true);
      return run(replay).pipe(
        tap((event) => {
          if (replay.recorded(event.id) === undefined && event.partial !== true) {
            throw new ReplayDivergedError(
              event.author,
              'event',
              `event '${event.id}' (on '${event.branch}') is not in the log`,
            );
          }
          sameAsRecorded(replay, event);
        }),
        catchError((error: unknown) => (isPause(error) ? EMPTY : throwError(() => error))),
        ignoreElements(),
        concatWith(
          defer(() => {
            for (const id in answers) {
              if (!replay.reached.has(id)) {
                throw new ReplayDivergedError(
                  root.name,
                  `resume.${id}`,
                  'the replay never reached the request',
                );
              }
            }
            return EMPTY;
          }),
        ),
      );
    });
    const append = defer(() => {
      // Again, right before the append: another resume of this session may have won meanwhile.
      checkAnswers(root.name, session, answers);
      return deps.service
        .appendEvent(session, answerEvent)
        .pipe(catchError((error: unknown) => throwError(() => deps.storeError(answerEvent, error))));
    });
    const live = defer(() => {
      const replay = new ReplayLog(replayed);
      return run(replay).pipe(
        materialize(),
        concatMap((note) => {
          if (note.kind === 'E') return isPause(note.error) ? EMPTY : throwError(() => note.error);
          if (note.kind === 'C') return EMPTY;
          const event = note.value;
          if (event.partial === true) return of(event);
          if (sameAsRecorded(replay, event)) return EMPTY;
          return deps.service
            .appendEvent(session, event)
            .pipe(catchError((error: unknown) => throwError(() => deps.storeError(event, error))));
        }),
      );
    });
    return going === undefined ? concat(dry, append, live) : live;
  });
}

// The invocation the answers resume and where it starts; typed errors for answers that cannot be
// taken. Only the invocation's events are read (its id is the head of every request id), so a
// resume does not scan a long session; the error paths may.
function checkAnswers(
  agent: string,
  session: Session,
  answers: Readonly<Record<string, JsonValue>>,
): { readonly invocationId: string; readonly first: number } {
  const ids = Object.keys(answers);
  if (ids.length === 0) throw new NothingPendingError(agent, session.id);
  const invocationId = invocationOf(ids[0]!);
  const first = invocationId === undefined ? -1 : session.firstIndexOf(invocationId);
  const own: Event[] = [];
  if (first !== -1) {
    const events = session.events;
    for (let i = first; i < events.length; i++)
      if (events[i]!.invocationId === invocationId) own.push(events[i]!);
  }
  const pending = new Map<string, PendingRequest>(pendingRequests(own).map((p) => [p.id, p]));
  for (const id of ids) {
    if (pending.has(id)) continue;
    const everywhere = pendingRequests(session);
    if (
      session.events.some((e) => e.actions.requestInput?.id === id) &&
      !everywhere.some((p) => p.id === id)
    ) {
      throw new RequestAlreadyAnsweredError(agent, id);
    }
    if (everywhere.length === 0) throw new NothingPendingError(agent, session.id);
    // Pending, but of another invocation than the first answer's: one invocation per resume.
    throw new UnknownRequestError(
      agent,
      id,
      everywhere.filter((p) => p.invocationId === invocationId || pending.size === 0).map((p) => p.id),
    );
  }
  return { invocationId: invocationId!, first };
}

// `<invocationId>/<branch>/<id>#<n>`: branches and ids have no '/'.
function invocationOf(requestId: string): string | undefined {
  const last = requestId.lastIndexOf('/');
  const middle = last <= 0 ? -1 : requestId.lastIndexOf('/', last - 1);
  return middle <= 0 ? undefined : requestId.slice(0, middle);
}

function answersEvent(deps: ResumeDeps, invocationId: string, n: number): Event {
  return Object.freeze({
    id: `${invocationId}-a${n}`,
    invocationId,
    author: 'user',
    branch: '',
    timestamp: deps.now(),
    ...(deps.content === undefined ? {} : { content: deps.content }),
    actions: Object.freeze({
      stateDelta: Object.freeze({}),
      inputAnswers: Object.freeze({ ...deps.answers }),
    }),
  });
}

// Whether the replay reproduced a recorded event (then it is not stored again); a different one
// under a recorded id is a divergence.
function sameAsRecorded(replay: ReplayLog, event: Event): boolean {
  const there = replay.recorded(event.id);
  if (there === undefined) return false;
  if (there.author !== event.author) {
    throw new ReplayDivergedError(
      event.author,
      'author',
      `event '${event.id}' was ${there.author}'s in the log`,
    );
  }
  if (!sameJson(there.actions.stateDelta, event.actions.stateDelta)) {
    throw new ReplayDivergedError(
      event.author,
      'stateDelta',
      `event '${event.id}': the log holds ${JSON.stringify(there.actions.stateDelta)}, the replay made ${JSON.stringify(event.actions.stateDelta)}`,
    );
  }
  return true;
}
