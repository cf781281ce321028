// One class on purpose, over 350 lines: the agent and the handle on its deployment share one
// run's lifecycle (start, stop, respond, the projection of its events), which reads best whole.
import {
  BaseAgent,
  type Event,
  InMemorySessionService,
  InvocationContext,
  type JsonValue,
  type PendingRequest,
  pendingRequests,
  Runner,
  type Session,
  type SessionKey,
  type SessionService,
  textOf,
  UnknownRequestError,
} from '@rxagents/core';
import {
  asyncScheduler,
  BehaviorSubject,
  concat,
  concatMap,
  defer,
  EMPTY,
  ignoreElements,
  Observable,
  of,
  type SchedulerLike,
  Subject,
  Subscription,
  takeUntil,
  tap,
} from 'rxjs';
import { type DeploymentStatus, isTerminalStatus, type StatusUpdate } from './DeploymentStatus.js';
import { DeploymentNotWaitingError, InvalidDeploymentConfigError } from './errors.js';
import type { GoalSeekerSnapshot } from './GoalSeekerSnapshot.js';
import type { GoalSeekingAgentOptions } from './GoalSeekingAgentOptions.js';
import { readGoalVerdict } from './GoalVerdict.js';
import { formatLogLine } from './internal/formatLogLine.js';
import { type GoalSeekerPlan, goalSeekerRun, phaseIndexOf } from './internal/goalSeekerRun.js';
import { LogBuffer } from './internal/LogBuffer.js';
import type { Phase } from './Phase.js';
import { DEPLOYMENT_KEYS, EVALUATION_PHASE } from './stateKeys.js';
import { validateConfig } from './validateConfig.js';

const DEFAULT_LOG_CAPACITY = 1000;

/** What a resume tells the `respond()` that started it. */
interface AnswerHooks {
  readonly committed: () => void;
  readonly refused: (error: unknown) => void;
}
const DEFAULT_MAX_ATTEMPTS = 3;
const MAX_LOGGED_TEXT = 200;

/**
 * An agent that works toward a goal in ordered phases (the haymaker goal-seeking pattern), and a
 * handle on its deployment: `start()`, `stop()`, `cleanup()`, `status$` and bounded, timestamped
 * logs.
 *
 * As an agent, `runAsync` runs the phases in order, then (with an `evaluator`) the evaluation,
 * retrying the phases while the goal is not met and attempts remain. Every status change is an
 * event whose state delta sets `deployment:phase`, `deployment:status` and `deployment:attempt`
 * (see {@link DEPLOYMENT_KEYS}); a failed phase ends the run with a `failed` event carrying
 * `errorCode` / `errorMessage`. A run resumes where a `stopped` (or interrupted) run of the same
 * deployment left off in its session, so the session state is the persisted position.
 *
 * As a handle, `start()` runs it through a `Runner` in the deployment's own session (id = the
 * deployment id) and turns the events into `status$` and log lines. `stop()` unsubscribes the run:
 * RxJS unsubscription is synchronous, so when `stop()` returns every model call, tool and timer
 * beneath has been torn down, and no further status or log line appears. That is why `stop()` is
 * synchronous rather than an `Observable<void>`: there is nothing left to wait for (the `stopped`
 * status event is then appended to the session through the session service).
 *
 * A phase that asks for input (`requestInput`) pauses the run: the status becomes `waiting`, with
 * the pending requests in `status.requests`, and `respond(requestId, answer)` resumes the run
 * where it paused (the phases and the attempt before it are not done again).
 *
 * The evaluator reports its verdict through state: `goal:verdict` = `{ met, reason }` (what an
 * `LlmAgent` with `outputKey: 'goal:verdict'` and a zod `outputSchema` writes), or `goal:met` =
 * `true`/`false` with an optional `goal:reason`; see {@link GOAL_KEYS}, or pass `verdict` to read
 * something else. No verdict fails the deployment. Each evaluation is recorded as
 * `deployment:evaluation` = `{ attempt, met, reason }` and logged.
 *
 * @example
 * ```ts
 * import { agent, text } from '@rxagents/core';
 * import { GoalSeekingAgent } from '@rxagents/workloads';
 * import { map, timer } from 'rxjs';
 * const step = (name: string) =>
 *   agent(name, (ctx) => timer(100, ctx.scheduler).pipe(map(() => ctx.newEvent({ content: text(`${name} done`) }))));
 * const seeker = new GoalSeekingAgent({
 *   deploymentId: 'd1',
 *   goal: 'a deployed web app',
 *   phases: [{ name: 'build', agent: step('builder') }, { name: 'deploy', agent: step('deployer') }],
 *   onStatusChange: (phase, status) => console.log(phase, status),
 * });
 * seeker.logs$.subscribe(console.log);
 * seeker.start();
 * // later: seeker.stop(); seeker.logs(20); seeker.cleanup();
 * ```
 * @see Workload to run many deployments by id
 */
export class GoalSeekingAgent extends BaseAgent {
  readonly deploymentId: string;
  readonly goal: string;
  readonly phases: readonly Phase[];
  readonly evaluator: BaseAgent | undefined;
  readonly maxAttempts: number;
  readonly logCapacity: number;
  readonly scheduler: SchedulerLike;
  readonly sessionService: SessionService;
  /** Where the deployment's session lives (session id = deployment id). */
  readonly sessionKey: SessionKey;
  /** Current status, replayed to late subscribers; completes on `cleanup()`. */
  readonly status$: Observable<StatusUpdate>;
  /** Log lines as they are written (live; use `logs()` for earlier ones); completes on `cleanup()`. */
  readonly logs$: Observable<string>;

  private readonly plan: GoalSeekerPlan;
  private readonly runner: Runner;
  private readonly onStatusChange: ((phase: string, status: DeploymentStatus) => void) | undefined;
  private readonly statusSubject: BehaviorSubject<StatusUpdate>;
  private readonly logSubject = new Subject<string>();
  private readonly buffer: LogBuffer;
  private readonly writes = new Subscription();
  private readonly idGenerator: GoalSeekingAgentOptions['idGenerator'];
  private attempt: number;
  private started = false;
  private restoring: boolean;
  private cleaned = false;
  private session: Session | undefined;
  private active: Subject<void> | undefined;

  /** @throws InvalidDeploymentConfigError when the options have problems (see `validateConfig`) */
  constructor(options: GoalSeekingAgentOptions) {
    const problems = [...validateConfig(options)];
    if (options.deploymentId === undefined) {
      problems.push({ field: 'deploymentId', message: 'must be a non-empty string' });
    }
    const snapshot = options.snapshot;
    if (snapshot !== undefined && snapshot.deploymentId !== options.deploymentId) {
      problems.push({ field: 'snapshot', message: `belongs to deployment '${snapshot.deploymentId}'` });
    }
    if (problems.length > 0) throw new InvalidDeploymentConfigError(options.name, problems);
    super({
      name: options.name ?? 'goal_seeker',
      ...(options.description === undefined ? {} : { description: options.description }),
    });
    this.deploymentId = options.deploymentId;
    this.goal = options.goal;
    this.phases = Object.freeze([...options.phases]);
    this.evaluator = options.evaluator;
    this.maxAttempts = options.evaluator === undefined ? 1 : (options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    this.logCapacity = options.logCapacity ?? DEFAULT_LOG_CAPACITY;
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.sessionService = options.sessionService ?? new InMemorySessionService();
    this.sessionKey = {
      appName: options.appName ?? 'workloads',
      userId: options.userId ?? 'workload',
      sessionId: options.deploymentId,
    };
    this.onStatusChange = options.onStatusChange;
    this.idGenerator = options.idGenerator;
    this.buffer = new LogBuffer(this.logCapacity);
    this.plan = {
      deploymentId: this.deploymentId,
      goal: this.goal,
      phases: this.phases,
      evaluator: this.evaluator,
      maxAttempts: this.maxAttempts,
      verdict: options.evaluator === undefined ? readGoalVerdict : (options.verdict ?? readGoalVerdict),
    };
    this.runner = new Runner({
      appName: this.sessionKey.appName,
      agent: this,
      sessionService: this.sessionService,
      scheduler: this.scheduler,
      ...(options.idGenerator === undefined ? {} : { idGenerator: options.idGenerator }),
    });
    this.restoring = snapshot !== undefined;
    this.attempt = snapshot?.attempt ?? 1;
    const initial: StatusUpdate =
      snapshot === undefined
        ? { phase: this.phases[0]!.name, status: 'pending', at: this.scheduler.now() }
        : {
            phase: snapshot.phase,
            status:
              snapshot.status === 'running' || snapshot.status === 'waiting' ? 'stopped' : snapshot.status,
            at: snapshot.at,
          };
    this.started = snapshot !== undefined && snapshot.status !== 'pending';
    this.statusSubject = new BehaviorSubject(initial);
    this.status$ = this.statusSubject.asObservable();
    this.logs$ = this.logSubject.asObservable();
  }

  /** The current status (what `status$` would replay). */
  get status(): StatusUpdate {
    return this.statusSubject.value;
  }

  /**
   * Starts the deployment, or resumes a stopped one at the phase it was in. Idempotent: returns
   * false (and does nothing) when it is running, completed, failed or cleaned up.
   */
  start(): boolean {
    if (this.cleaned || this.active !== undefined) return false;
    const { status, phase } = this.status;
    if (status !== 'pending' && status !== 'stopped') return false;
    const resuming = this.started;
    this.started = true;
    this.log(
      resuming
        ? `Resuming at phase '${phase}' (attempt ${this.attempt})`
        : `Deployment '${this.deploymentId}' started: ${this.goal}`,
    );
    this.launch(
      concat(
        this.prepareSession(),
        defer(() =>
          // Stopped while waiting for input: it waits again (running it would ask anew).
          this.session !== undefined && pendingRequests(this.session).length > 0
            ? EMPTY
            : this.runner.run({
                userId: this.sessionKey.userId,
                sessionId: this.sessionKey.sessionId,
                ...(resuming ? {} : { newMessage: this.goal }),
              }),
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
      if (this.cleaned || status !== 'waiting' || this.active !== undefined) {
        const now = this.cleaned ? 'cleaned up' : this.active !== undefined ? 'busy' : status;
        subscriber.error(new DeploymentNotWaitingError(this.deploymentId, now));
        return;
      }
      if (!requests.some((r) => r.id === requestId)) {
        subscriber.error(
          new UnknownRequestError(
            this.name,
            requestId,
            requests.map((r) => r.id),
          ),
        );
        return;
      }
      let committed = false;
      const signal = this.launch(
        this.runner.run({
          userId: this.sessionKey.userId,
          sessionId: this.sessionKey.sessionId,
          resume: { [requestId]: answer },
        }),
        {
          committed: () => {
            committed = true;
            this.log(`Answered '${requestId}'`);
            this.setStatus(phase, 'running', this.scheduler.now());
            subscriber.next();
            subscriber.complete();
          },
          refused: (error) => subscriber.error(error),
        },
      );
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
    if (this.cleaned) return false;
    const { status, phase } = this.status;
    if (isTerminalStatus(status)) return false;
    const signal = this.active;
    this.active = undefined;
    signal?.next();
    signal?.complete();
    const at = this.scheduler.now();
    this.log(status === 'pending' ? 'Stopped before starting' : `Stopped during phase '${phase}'`);
    this.setStatus(phase, 'stopped', at);
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
    if (!this.cleaned) {
      this.stop();
      this.log('Cleaned up');
      this.cleaned = true;
      this.writes.add(
        this.sessionService.deleteSession(this.sessionKey).subscribe({ error: () => undefined }),
      );
      this.statusSubject.complete();
      this.logSubject.complete();
    }
    return { status: 'cleaned' };
  }

  /**
   * The last log lines, oldest first, each `[YYYY-MM-DD HH:MM:SS] message` (UTC, scheduler time).
   * @param lines how many, default 100
   */
  logs(lines = 100): readonly string[] {
    return this.buffer.last(lines);
  }

  /** The deployment's position as plain JSON, for `JSON.stringify` and the `snapshot` option. */
  getSnapshot(): GoalSeekerSnapshot {
    const { phase, status, at } = this.status;
    const index = phaseIndexOf(this.plan, phase);
    return {
      deploymentId: this.deploymentId,
      phase,
      phaseIndex: Math.max(0, index),
      attempt: this.attempt,
      status,
      at,
    };
  }

  /** Finds phase agents and the evaluator (referenced, not adopted, so they may be shared). */
  override findSubAgent(name: string): BaseAgent | undefined {
    for (const phase of this.phases) {
      const found = phase.agent.findAgent(name);
      if (found !== undefined) return found;
    }
    return this.evaluator?.findAgent(name);
  }

  protected runAsyncImpl(ctx: InvocationContext): Observable<Event> {
    return goalSeekerRun(this.plan, ctx);
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
        this.log(`Failed: ${error instanceof Error ? error.message : String(error)}`);
        this.setStatus(this.status.phase, 'failed', this.scheduler.now());
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
      const { phase, status } = this.status;
      if (requests.length > 0) {
        const asked = requests.map((r) => `'${r.id}' (${r.kind})`).join(', ');
        this.log(`Waiting for input in phase '${phase}': ${asked}`);
        this.setStatus(phase, 'waiting', this.scheduler.now(), requests);
      } else if (!isTerminalStatus(status)) {
        this.log('Failed: the run ended before reaching a final status');
        this.setStatus(phase, 'failed', this.scheduler.now());
      }
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
    const service = this.sessionService;
    return service.getSession(this.sessionKey).pipe(
      concatMap((found) => (found === undefined ? service.createSession(this.sessionKey) : of(found))),
      tap((session) => {
        this.session = session;
      }),
      concatMap((session) => {
        if (!this.restoring) return EMPTY;
        this.restoring = false;
        const { phase } = this.status;
        return service.appendEvent(
          session,
          this.stateEvent(session, {
            [DEPLOYMENT_KEYS.id]: this.deploymentId,
            [DEPLOYMENT_KEYS.phase]: phase,
            [DEPLOYMENT_KEYS.status]: 'stopped',
            [DEPLOYMENT_KEYS.attempt]: this.attempt,
          }),
        );
      }),
      ignoreElements(),
    );
  }

  // A goal-seeker event outside a run (stop, restore), stamped like any other.
  private stateEvent(session: Session, stateDelta: Readonly<Record<string, JsonValue>>): Event {
    return InvocationContext.create({
      agent: this,
      session,
      scheduler: this.scheduler,
      ...(this.idGenerator === undefined ? {} : { idGenerator: this.idGenerator }),
    }).newEvent({ branch: this.name, actions: { stateDelta } });
  }

  // Turns one run's events into status changes and log lines; its state lives in this closure.
  private projector(): (event: Event) => void {
    const attempts = this.evaluator === undefined ? '' : `/${this.maxAttempts}`;
    let phase = this.status.phase;
    let status: DeploymentStatus = this.status.status;
    return (event) => {
      const delta = event.actions.stateDelta;
      if (event.author === this.name && event.branch === this.name) {
        const evaluation = delta[DEPLOYMENT_KEYS.evaluation];
        if (typeof evaluation === 'object' && evaluation !== null && !Array.isArray(evaluation)) {
          const { met, reason, attempt } = evaluation as Readonly<Record<string, JsonValue>>;
          const why = typeof reason === 'string' && reason !== '' ? `: ${reason}` : '';
          this.log(
            met === true
              ? `Goal met (attempt ${String(attempt)}${attempts})${why}`
              : `Goal not met (attempt ${String(attempt)}${attempts})${why}`,
            event.timestamp,
          );
        }
        const nextStatus = delta[DEPLOYMENT_KEYS.status];
        const nextPhase = delta[DEPLOYMENT_KEYS.phase];
        if (typeof nextStatus !== 'string' || typeof nextPhase !== 'string') return;
        const attempt = delta[DEPLOYMENT_KEYS.attempt];
        if (typeof attempt === 'number' && attempt >= 1) this.attempt = attempt;
        if (
          status === 'running' &&
          phase !== EVALUATION_PHASE &&
          (nextPhase !== phase || nextStatus !== 'running')
        ) {
          if (nextStatus !== 'failed') this.log(`Phase '${phase}' completed`, event.timestamp);
        }
        if (nextStatus === 'running') {
          this.log(
            nextPhase === EVALUATION_PHASE
              ? `Evaluating the goal (attempt ${this.attempt}${attempts})`
              : `Phase '${nextPhase}' started${attempts === '' ? '' : ` (attempt ${this.attempt}${attempts})`}`,
            event.timestamp,
          );
        } else if (nextStatus === 'completed') {
          this.log('Goal reached: deployment completed', event.timestamp);
        } else if (nextStatus === 'failed') {
          this.log(`Failed: ${event.errorMessage ?? `phase '${nextPhase}' failed`}`, event.timestamp);
        }
        phase = nextPhase;
        status = nextStatus as DeploymentStatus;
        this.setStatus(nextPhase, status, event.timestamp);
        return;
      }
      if (event.partial === true) return;
      const said = textOf(event.content).trim();
      if (said !== '') this.log(`[${phase}] ${clip(said)}`, event.timestamp);
      if (event.errorMessage !== undefined)
        this.log(`[${phase}] error: ${clip(event.errorMessage)}`, event.timestamp);
    };
  }

  private setStatus(
    phase: string,
    status: DeploymentStatus,
    at: number,
    requests?: readonly PendingRequest[],
  ): void {
    const current = this.status;
    const same = current.phase === phase && current.status === status;
    if (same && requests === undefined && current.requests === undefined) return;
    this.statusSubject.next(requests === undefined ? { phase, status, at } : { phase, status, at, requests });
    const callback = this.onStatusChange;
    if (callback === undefined) return;
    try {
      callback(phase, status);
    } catch (error: unknown) {
      this.log(`onStatusChange threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private log(message: string, at: number = this.scheduler.now()): void {
    if (this.cleaned) return;
    const line = formatLogLine(at, message);
    this.buffer.push(line);
    this.logSubject.next(line);
  }
}

function clip(value: string): string {
  const line = value.split('\n', 1)[0]!;
  return line.length > MAX_LOGGED_TEXT ? `${line.slice(0, MAX_LOGGED_TEXT - 1)}…` : line;
}
