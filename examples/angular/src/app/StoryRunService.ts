import { computed, Injectable, InjectionToken, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { InMemorySessionService, Runner, type Session } from '@rxagents/core';
import {
  asyncScheduler,
  catchError,
  defer,
  endWith,
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
import { createStoryFlow, type StoryFlowPacing } from '../../../browser/src/storyFlow.js';
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

type Command = { readonly kind: 'start'; readonly topic: string } | { readonly kind: 'stop' };

const APP = 'storyflow-angular';
const USER = 'angular-user';

/**
 * Owns the Runner and the sessions, and exposes the current run as an Observable (`updates$`,
 * `view$`) and as signals (`view`, `status`, …) for OnPush components. `start(topic)` switches to
 * a new run (`switchMap`: the previous run is unsubscribed, which cancels its agents and timers);
 * `stop()` unsubscribes the current one. Nothing here subscribes by hand: `toSignal` holds the
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
  private readonly scheduler = countingScheduler(inject(STORY_SCHEDULER), () => this.ticks++);
  private readonly pacing = inject(STORY_PACING);

  /** Every update of every run, the latest run only (`switchMap`), `stopped` after a Stop. */
  readonly updates$: Observable<RunUpdate> = this.commands.pipe(
    switchMap((command) =>
      command.kind === 'start' ? this.run(command.topic) : of<RunUpdate>({ kind: 'stopped' }),
    ),
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

  /** Starts a run on `topic`, cancelling the current one. */
  start(topic: string): void {
    this.commands.next({ kind: 'start', topic });
  }

  /** Cancels the current run (a no-op when none is running). */
  stop(): void {
    this.commands.next({ kind: 'stop' });
  }

  /**
   * One run as a cold stream: `started`, the session's state (current snapshot, then every commit)
   * merged with the run's events, then `completed` (or `failed`). Unsubscribing cancels it.
   */
  run(topic: string): Observable<RunUpdate> {
    return defer(() => {
      const runId = ++this.runs;
      const sessionId = `run-${runId}`;
      this.ticks = 0;
      this.activeRuns++;
      // A fresh flow per run: the scripted model consumes its replies as the flow runs.
      const agent = createStoryFlow(this.pacing);
      const runner = new Runner({
        appName: APP,
        agent,
        sessionService: this.sessions,
        scheduler: this.scheduler,
      });
      const started: RunUpdate = { kind: 'started', runId, topic, at: this.scheduler.now() };
      const session$ = this.sessions.createSession({
        appName: APP,
        userId: USER,
        sessionId,
        state: { topic },
      });
      const updates$ = session$.pipe(
        tap((session) => (this.session = session)),
        switchMap((session) =>
          merge(
            session.state.state$.pipe(map((state): RunUpdate => ({ kind: 'state', state }))),
            runner.run({ userId: USER, sessionId, newMessage: `Write a story about ${topic}.` }).pipe(
              map((event): RunUpdate => ({ kind: 'event', event })),
              endWith<RunUpdate>({ kind: 'completed' }),
            ),
          ),
        ),
        // state$ never completes: the run's end ends the whole stream (and unsubscribes from state$).
        takeWhile((update) => update.kind !== 'completed', true),
        catchError((error: unknown) =>
          of<RunUpdate>({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
        ),
      );
      return updates$.pipe(
        startWith(started),
        finalize(() => this.activeRuns--),
      );
    });
  }
}
