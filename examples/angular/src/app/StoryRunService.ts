import { computed, Injectable, InjectionToken, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { type Event, InMemorySessionService, pendingRequests, Runner, type Session } from '@rxagents/core';
import {
  asyncScheduler,
  catchError,
  concat,
  defer,
  finalize,
  map,
  merge,
  type Observable,
  of,
  type SchedulerLike,
  Subject,
  scan,
  share,
  shareReplay,
  startWith,
  switchMap,
  takeWhile,
  tap,
} from 'rxjs';
import { countingScheduler } from '../../../browser/src/page/countingScheduler.js';
import { createApprovalFlow, createStoryFlow, type StoryFlowPacing } from '../../../browser/src/storyFlow.js';
import { IDLE_VIEW, type RunUpdate, type RunView, reduceRunView } from './runView.js';

/** The scheduler the flows take their time from (default `asyncScheduler`; a test passes another). */
export const STORY_SCHEDULER = new InjectionToken<SchedulerLike>('STORY_SCHEDULER', {
  providedIn: 'root',
  factory: () => asyncScheduler,
});

/** Real-time pacing of the scripted model (default: about 6 s for the whole StoryFlow). */
export const STORY_PACING = new InjectionToken<StoryFlowPacing>('STORY_PACING', {
  providedIn: 'root',
  factory: () => ({}),
});

/** What a person answers to StoryFlow's approval request (`approvalFlow`'s `approvalSchema`). */
// A type, not an interface: it must be assignable to the resume's JSON answer type.
export type ApprovalAnswer = {
  readonly approved: boolean;
  readonly note?: string;
};

/** Options of a run. */
export interface StartOptions {
  /** Pause after the grammar check for a person's Approve / Reject (`approvalFlow`). */
  readonly approval?: boolean;
}

type Command =
  | { readonly kind: 'start'; readonly topic: string; readonly approval: boolean }
  | { readonly kind: 'resume'; readonly answer: ApprovalAnswer }
  | { readonly kind: 'stop' };

const APP = 'storyflow-angular';
const USER = 'angular-user';

/**
 * Owns the Runner and the sessions, and exposes the current run as an Observable (`updates$`,
 * `view$`) and as signals (`view`, `status`, …) for OnPush components. `start(topic)` switches to
 * a new run (`switchMap`: the previous run is unsubscribed, which cancels its agents and timers);
 * `stop()` unsubscribes the current one. A run started with `{ approval: true }` pauses for a
 * person (`pending`); `approve()` / `reject()` resume it through the same `switchMap`, so Stop and
 * a new topic cancel a resume as they cancel a run. Nothing here subscribes by hand: `toSignal` holds the
 * one subscription, for the injector's lifetime.
 */
@Injectable({ providedIn: 'root' })
export class StoryRunService {
  private readonly sessions = new InMemorySessionService();
  private readonly commands = new Subject<Command>();
  private runs = 0;
  /** Pieces of scheduled work (timer ticks) the runs have executed; frozen once a run is cancelled. */
  ticks = 0;
  /** Runs subscribed right now (0 or 1): Stop and switching bring the previous one's to 0. */
  activeRuns = 0;
  /** The session of the latest run, to read what it committed. */
  session: Session | undefined;
  /** The latest run's Runner: a resume must run the same flow on the same session. */
  private runner: Runner | undefined;
  private readonly scheduler = countingScheduler(inject(STORY_SCHEDULER), () => this.ticks++);
  private readonly pacing = inject(STORY_PACING);

  /** Every update of every run, the latest run only (`switchMap`), `stopped` after a Stop. */
  readonly updates$: Observable<RunUpdate> = this.commands.pipe(
    switchMap((command) => {
      if (command.kind === 'start') return this.run(command.topic, { approval: command.approval });
      if (command.kind === 'resume') return this.resume(command.answer);
      return of<RunUpdate>({ kind: 'stopped' });
    }),
    share(),
  );

  /** The current run's view, folded from `updates$`. */
  readonly view$: Observable<RunView> = this.updates$.pipe(
    scan(reduceRunView, IDLE_VIEW),
    startWith(IDLE_VIEW),
    shareReplay({ bufferSize: 1, refCount: true }),
  );

  readonly view = toSignal(this.view$, { requireSync: true });
  readonly status = computed(() => this.view().status);
  readonly running = computed(() => this.view().status === 'running');
  /** What the paused run waits for (the approval request), or `undefined`. */
  readonly pending = computed(() => this.view().pending);

  /** Starts a run on `topic`, cancelling the current one. */
  start(topic: string, options: StartOptions = {}): void {
    this.commands.next({ kind: 'start', topic, approval: options.approval === true });
  }

  /** Approves the story the paused run shows: the tone check runs, then the flow ends. */
  approve(): void {
    this.answer({ approved: true });
  }

  /** Rejects the story (with an optional reason, kept as `editor_note`): it is written again. */
  reject(reason?: string): void {
    this.answer(reason === undefined ? { approved: false } : { approved: false, note: reason });
  }

  // Only a paused run takes an answer: switching to a resume while running would cancel the run.
  private answer(answer: ApprovalAnswer): void {
    if (this.pending() !== undefined) this.commands.next({ kind: 'resume', answer });
  }

  /** Cancels the current run (a no-op when none is running). */
  stop(): void {
    this.commands.next({ kind: 'stop' });
  }

  /**
   * One run as a cold stream: `started`, the session's state (current snapshot, then every commit)
   * merged with the run's events, then `completed`, `paused` (or `failed`). Unsubscribing cancels it.
   */
  run(topic: string, options: StartOptions = {}): Observable<RunUpdate> {
    return defer(() => {
      const runId = ++this.runs;
      const sessionId = `run-${runId}`;
      this.ticks = 0;
      // A fresh flow per run: the scripted model consumes its replies as the flow runs.
      const agent =
        options.approval === true ? createApprovalFlow(this.pacing) : createStoryFlow(this.pacing);
      const runner = new Runner({
        appName: APP,
        agent,
        sessionService: this.sessions,
        scheduler: this.scheduler,
      });
      this.runner = runner;
      const started: RunUpdate = { kind: 'started', runId, topic, at: this.scheduler.now() };
      const updates$ = this.sessions
        .createSession({ appName: APP, userId: USER, sessionId, state: { topic } })
        .pipe(
          tap((session) => (this.session = session)),
          switchMap((session) =>
            this.watch(
              session,
              runner.run({ userId: USER, sessionId, newMessage: `Write a story about ${topic}.` }),
            ),
          ),
        );
      return updates$.pipe(startWith(started));
    });
  }

  /**
   * The resume of the latest run, paused on its request, with `answer`: `resumed`, then what the
   * run does from there (nothing the log already records runs or is emitted again).
   */
  resume(answer: ApprovalAnswer): Observable<RunUpdate> {
    return defer(() => {
      const { runner, session } = this;
      const [request] = session === undefined ? [] : pendingRequests(session);
      if (runner === undefined || session === undefined || request === undefined) {
        return of<RunUpdate>({ kind: 'failed', message: 'nothing to resume' });
      }
      this.ticks = 0;
      const run$ = runner.run({ userId: USER, sessionId: session.id, resume: { [request.id]: answer } });
      return this.watch(session, run$).pipe(startWith<RunUpdate>({ kind: 'resumed' }));
    });
  }

  /**
   * A run's events merged with its session's state, ending with `completed` (or `paused` when the
   * session is left waiting for an answer, or `failed`); counted in `activeRuns` while subscribed.
   */
  private watch(session: Session, run$: Observable<Event>): Observable<RunUpdate> {
    const end = defer(() => {
      const [request] = pendingRequests(session);
      return of<RunUpdate>(request === undefined ? { kind: 'completed' } : { kind: 'paused', request });
    });
    return defer(() => {
      this.activeRuns++;
      return merge(
        session.state.state$.pipe(map((state): RunUpdate => ({ kind: 'state', state }))),
        concat(run$.pipe(map((event): RunUpdate => ({ kind: 'event', event }))), end),
      );
    }).pipe(
      // state$ never completes: the run's end ends the whole stream (and unsubscribes from state$).
      takeWhile((update) => update.kind !== 'completed' && update.kind !== 'paused', true),
      catchError((error: unknown) =>
        of<RunUpdate>({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
      ),
      finalize(() => this.activeRuns--),
    );
  }
}
