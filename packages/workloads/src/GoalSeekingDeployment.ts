import {
  type Event,
  InMemorySessionService,
  type JsonValue,
  type PendingRequest,
  pendingRequests,
  Runner,
  type Session,
  type SessionKey,
  type SessionService,
  UnknownRequestError,
} from '@rxagents/core';
import {
  asyncScheduler,
  concat,
  concatMap,
  defer,
  EMPTY,
  ignoreElements,
  Observable,
  type SchedulerLike,
  Subject,
  Subscription,
  takeUntil,
  tap,
} from 'rxjs';
import { isTerminalStatus, type StatusUpdate } from './DeploymentStatus.js';
import { DEPLOYMENT_DEFAULTS } from './deploymentDefaults.js';
import { DEPLOYMENT_LOG } from './deploymentLog.js';
import { deploymentProjector } from './deploymentProjector.js';
import { DeploymentNotWaitingError } from './errors.js';
import type { GoalSeekerSnapshot } from './GoalSeekerSnapshot.js';
import type { GoalSeekingAgent } from './GoalSeekingAgent.js';
import type { DeploymentHandleOptions } from './GoalSeekingAgentOptions.js';
import { DeploymentReport } from './internal/DeploymentReport.js';
import { goalSeekerEvent, initialStatus, loadSession } from './internal/deploymentSession.js';
import { phaseIndexOf } from './internal/goalSeekerRun.js';
import { DEPLOYMENT_KEYS } from './stateKeys.js';

/** What a resume tells the `respond()` that started it. */
interface AnswerHooks {
  readonly committed: () => void;
  readonly refused: (error: unknown) => void;
}

/**
 * The handle on one goal-seeking deployment, `agent.deployment`: it runs its
 * {@link GoalSeekingAgent} through a `Runner` in the deployment's own session (id = deployment
 * id) and holds what the pure agent must not — the run in flight, status, logs, attempt — with
 * `start()`, `stop()`, `respond()`, `cleanup()`, `status$` and bounded, timestamped logs.
 *
 * `stop()` unsubscribes the run, and RxJS unsubscription is synchronous: when it returns every
 * model call, tool and timer beneath is torn down and no further status or log line appears, so
 * it is a plain call, not an `Observable<void>` with nothing left to wait for. A phase that asks
 * for input pauses the run: the status is `waiting` with `status.requests`, and
 * `respond(requestId, answer)` resumes it where it paused.
 *
 * @example
 * ```ts
 * import { agent, text } from '@rxagents/core';
 * import { GoalSeekingAgent } from '@rxagents/workloads';
 * import { map, timer } from 'rxjs';
 * const step = (name: string) =>
 *   agent(name, (ctx) => timer(100, ctx.scheduler).pipe(map(() => ctx.newEvent({ content: text(`${name} done`) }))));
 * const { deployment } = new GoalSeekingAgent({ deploymentId: 'd1', goal: 'g', phases: [{ name: 'build', agent: step('builder') }] });
 * deployment.status$.subscribe(({ phase, status }) => console.log(phase, status));
 * deployment.start();
 * // later: deployment.stop(); deployment.logs(20); deployment.cleanup();
 * ```
 */
export class GoalSeekingDeployment {
  readonly agent: GoalSeekingAgent;
  readonly logCapacity: number;
  readonly scheduler: SchedulerLike;
  readonly sessionService: SessionService;
  /** Where the deployment's session lives (session id = deployment id). */
  readonly sessionKey: SessionKey;
  /** Current status, replayed to late subscribers; completes on `cleanup()`. */
  readonly status$: Observable<StatusUpdate>;
  /** Log lines as they are written (live; use `logs()` for earlier ones); completes on `cleanup()`. */
  readonly logs$: Observable<string>;

  private readonly runner: Runner;
  private readonly idGenerator: DeploymentHandleOptions['idGenerator'];
  private readonly report: DeploymentReport;
  private readonly writes = new Subscription();
  private attempt: number;
  private started: boolean;
  private restoring: boolean;
  private session: Session | undefined;
  private active: Subject<void> | undefined;

  /** The options are the agent's (already validated by its constructor). */
  constructor(agent: GoalSeekingAgent, options: DeploymentHandleOptions = {}) {
    this.agent = agent;
    this.logCapacity = options.logCapacity ?? DEPLOYMENT_DEFAULTS.logCapacity;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.sessionService = options.sessionService ?? new InMemorySessionService();
    this.sessionKey = {
      appName: options.appName ?? DEPLOYMENT_DEFAULTS.appName,
      userId: options.userId ?? DEPLOYMENT_DEFAULTS.userId,
      sessionId: agent.deploymentId,
    };
    this.idGenerator = options.idGenerator;
    this.runner = new Runner({
      appName: this.sessionKey.appName,
      agent,
      sessionService: this.sessionService,
      scheduler: this.scheduler,
      ...(options.idGenerator === undefined ? {} : { idGenerator: options.idGenerator }),
    });
    const snapshot = options.snapshot;
    this.restoring = snapshot !== undefined;
    this.attempt = snapshot?.attempt ?? 1;
    this.started = snapshot !== undefined && snapshot.status !== 'pending';
    this.report = new DeploymentReport(
      initialStatus(agent.phases[0]!.name, snapshot, this.scheduler.now()),
      this.logCapacity,
      this.scheduler,
      options.onStatusChange,
    );
    this.status$ = this.report.status$;
    this.logs$ = this.report.logs$;
  }

  /** The current status (what `status$` would replay). */
  get status(): StatusUpdate {
    return this.report.status;
  }

  /**
   * Starts the deployment, or resumes a stopped one at the phase it was in. Idempotent: returns
   * false (and does nothing) when it is running, completed, failed or cleaned up.
   */
  start(): boolean {
    if (this.report.isClosed || this.active !== undefined) return false;
    const { status, phase } = this.status;
    if (status !== 'pending' && status !== 'stopped') return false;
    const resuming = this.started;
    this.started = true;
    const { deploymentId, goal } = this.agent;
    this.report.log(
      resuming ? DEPLOYMENT_LOG.resuming(phase, this.attempt) : DEPLOYMENT_LOG.started(deploymentId, goal),
    );
    this.launch(
      concat(
        this.prepareSession(),
        defer(() =>
          // Stopped while waiting for input: it waits again (running it would ask anew).
          this.session !== undefined && pendingRequests(this.session).length > 0
            ? EMPTY
            : this.run(resuming ? {} : { newMessage: goal }),
        ),
      ),
    );
    return true;
  }

  /**
   * Answers a request the deployment is `waiting` for; the run goes on where it paused (the
   * phases and attempts it had done are not done again). Cold: subscribing resumes the run; the
   * Observable completes once the answer is committed (status `running` again), after which the
   * run goes on without this subscriber. Errors, with nothing changed and the deployment still
   * waiting: `DeploymentNotWaitingError`, `UnknownRequestError` (not one of `status.requests`),
   * `InvalidAnswerError` (the answer fails the request's schema). Unsubscribing before the
   * answer is committed cancels the resume.
   */
  respond(requestId: string, answer: JsonValue): Observable<void> {
    return new Observable<void>((subscriber) => {
      const { status, phase, requests = [] } = this.status;
      if (this.report.isClosed || status !== 'waiting' || this.active !== undefined) {
        const now = this.report.isClosed ? 'cleaned up' : this.active !== undefined ? 'busy' : status;
        subscriber.error(new DeploymentNotWaitingError(this.agent.deploymentId, now));
        return;
      }
      if (!requests.some((r) => r.id === requestId)) {
        const ids = requests.map((r) => r.id);
        subscriber.error(new UnknownRequestError(this.agent.name, requestId, ids));
        return;
      }
      let committed = false;
      const signal = this.launch(this.run({ resume: { [requestId]: answer } }), {
        committed: () => {
          committed = true;
          this.report.log(DEPLOYMENT_LOG.answered(requestId));
          this.report.setStatus(phase, 'running', this.scheduler.now());
          subscriber.next();
          subscriber.complete();
        },
        refused: (error) => subscriber.error(error),
      });
      return () => {
        if (committed || this.active !== signal) return;
        this.active = undefined;
        signal.next();
        signal.complete();
      };
    });
  }

  /**
   * Cancels the deployment: unsubscribes its run (model calls, tools and timers beneath are torn
   * down before this returns), sets `stopped` and records it in the session. Returns false when
   * the deployment is already completed, failed, stopped or cleaned up.
   */
  stop(): boolean {
    if (this.report.isClosed) return false;
    const { status, phase } = this.status;
    if (isTerminalStatus(status)) return false;
    const signal = this.active;
    this.active = undefined;
    signal?.next();
    signal?.complete();
    this.report.log(DEPLOYMENT_LOG.stopped(status === 'pending' ? undefined : phase, status));
    this.report.setStatus(phase, 'stopped', this.scheduler.now());
    const session = this.session;
    if (session !== undefined) {
      this.writes.add(
        this.sessionService
          .appendEvent(session, this.stateEvent(session, { [DEPLOYMENT_KEYS.status]: 'stopped' }))
          .subscribe({ error: () => undefined }),
      );
    }
    return true;
  }

  /**
   * Stops the deployment, deletes its session, completes `status$` and `logs$`. Idempotent.
   * The last lines stay readable through `logs()`.
   */
  cleanup(): { readonly status: 'cleaned' } {
    if (!this.report.isClosed) {
      this.stop();
      this.report.log(DEPLOYMENT_LOG.cleaned);
      this.report.close();
      this.writes.add(
        this.sessionService.deleteSession(this.sessionKey).subscribe({ error: () => undefined }),
      );
    }
    return { status: 'cleaned' };
  }

  /**
   * The last log lines, oldest first, each `[YYYY-MM-DD HH:MM:SS] message` (UTC, scheduler time).
   * @param lines how many, default 100
   */
  logs(lines: number = DEPLOYMENT_DEFAULTS.logLines): readonly string[] {
    return this.report.last(lines);
  }

  /** The deployment's position as plain JSON, for `JSON.stringify` and the `snapshot` option. */
  getSnapshot(): GoalSeekerSnapshot {
    const { phase, status, at } = this.status;
    const index = phaseIndexOf(this.agent, phase);
    const { deploymentId } = this.agent;
    return { deploymentId, phase, phaseIndex: Math.max(0, index), attempt: this.attempt, status, at };
  }

  // Runs `run` as the deployment's run: its events become status changes and log lines. With
  // `answer`, the run is a resume: nothing is projected before the answer is committed, and an
  // error before that refuses the answer (the deployment stays waiting).
  private launch(run: Observable<Event>, answer?: AnswerHooks): Subject<void> {
    const signal = new Subject<void>();
    this.active = signal;
    let project = answer === undefined ? this.projector() : undefined;
    run.pipe(takeUntil(signal)).subscribe({
      next: (event) => {
        if (this.active !== signal) return;
        if (project !== undefined) project(event);
        else if (event.actions.inputAnswers !== undefined) {
          answer!.committed();
          project = this.projector();
        }
      },
      error: (error: unknown) => {
        if (this.active !== signal) return;
        this.active = undefined;
        if (project === undefined) return answer!.refused(error);
        this.report.fail(error);
      },
      complete: () => {
        if (this.active === signal) this.settle(signal);
      },
    });
    return signal;
  }

  // A run that completed without a final status paused for input (its requests are pending in
  // the session): the deployment waits. Otherwise it failed.
  private settle(signal: Subject<void>): void {
    const done = (requests: readonly PendingRequest[]): void => {
      if (this.active !== signal) return;
      this.active = undefined;
      this.report.settle(requests);
    };
    this.writes.add(
      this.sessionService.getSession(this.sessionKey).subscribe({
        next: (session) => done(session === undefined ? [] : pendingRequests(session)),
        error: () => done([]),
      }),
    );
  }

  // Loads or creates the deployment's session; on the first start after a restore, writes the
  // restored position into it so the run resumes there.
  private prepareSession(): Observable<never> {
    return loadSession(this.sessionService, this.sessionKey).pipe(
      tap((session) => {
        this.session = session;
      }),
      concatMap((session) => {
        if (!this.restoring) return EMPTY;
        this.restoring = false;
        return this.sessionService.appendEvent(
          session,
          this.stateEvent(session, {
            [DEPLOYMENT_KEYS.id]: this.agent.deploymentId,
            [DEPLOYMENT_KEYS.phase]: this.status.phase,
            [DEPLOYMENT_KEYS.status]: 'stopped',
            [DEPLOYMENT_KEYS.attempt]: this.attempt,
          }),
        );
      }),
      ignoreElements(),
    );
  }

  private run(options: { readonly newMessage?: string; readonly resume?: Record<string, JsonValue> }) {
    const { userId, sessionId } = this.sessionKey;
    return this.runner.run({ userId, sessionId, ...options });
  }

  private stateEvent(session: Session, stateDelta: Readonly<Record<string, JsonValue>>): Event {
    return goalSeekerEvent(this.agent, session, this.scheduler, this.idGenerator, stateDelta);
  }

  // One run's projection, applied to this deployment's status and log.
  private projector(): (event: Event) => void {
    const { phase, status } = this.status;
    const project = deploymentProjector(this.agent, { phase, status, attempt: this.attempt });
    return (event) => {
      const { change } = this.report.apply(project(event), event.timestamp);
      if (change !== undefined) this.attempt = change.attempt;
    };
  }
}
