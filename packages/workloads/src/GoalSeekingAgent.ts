import { BaseAgent, type Event, type InvocationContext, type JsonValue } from '@rxagents/core';
import type { Observable } from 'rxjs';
import type { StatusUpdate } from './DeploymentStatus.js';
import { DEPLOYMENT_DEFAULTS } from './deploymentDefaults.js';
import { InvalidDeploymentConfigError } from './errors.js';
import type { GoalSeekerSnapshot } from './GoalSeekerSnapshot.js';
import type { GoalSeekingAgentOptions } from './GoalSeekingAgentOptions.js';
import { GoalSeekingDeployment } from './GoalSeekingDeployment.js';
import { readGoalVerdict } from './GoalVerdict.js';
import { type GoalSeekerPlan, goalSeekerRun } from './internal/goalSeekerRun.js';
import type { Phase } from './Phase.js';
import { validateConfig } from './validateConfig.js';

/**
 * An agent that works toward a goal in ordered phases (the haymaker goal-seeking pattern).
 *
 * As an agent it is pure: `runAsync` runs the phases in order, then (with an `evaluator`) the
 * evaluation, retrying the phases while the goal is not met and attempts remain, and every run's
 * state lives in that run's closure, so concurrent runs never share any. Every status change is
 * an event whose state delta sets `deployment:phase`, `deployment:status` and
 * `deployment:attempt` (see {@link DEPLOYMENT_KEYS}); a failed phase ends the run with a `failed`
 * event carrying `errorCode` / `errorMessage`. A run resumes where a `stopped` (or interrupted)
 * run of the same deployment left off in its session, so the session state is the persisted
 * position.
 *
 * Its deployment — `start()`, `stop()`, `respond()`, `cleanup()`, `status$`, bounded timestamped
 * logs, `getSnapshot()` — is the handle `deployment` ({@link GoalSeekingDeployment}); the methods
 * of the same names here are that handle's, kept so an agent can be started on its own.
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
  /** The handle on this agent's deployment (its run in its own session, status and logs). */
  readonly deployment: GoalSeekingDeployment;
  /** `deployment.status$`: current status, replayed to late subscribers; completes on `cleanup()`. */
  readonly status$: Observable<StatusUpdate>;
  /** `deployment.logs$`: log lines as they are written; completes on `cleanup()`. */
  readonly logs$: Observable<string>;

  private readonly plan: GoalSeekerPlan;

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
    this.maxAttempts =
      options.evaluator === undefined ? 1 : (options.maxAttempts ?? DEPLOYMENT_DEFAULTS.maxAttempts);
    this.plan = {
      deploymentId: this.deploymentId,
      goal: this.goal,
      phases: this.phases,
      evaluator: this.evaluator,
      maxAttempts: this.maxAttempts,
      verdict: options.evaluator === undefined ? readGoalVerdict : (options.verdict ?? readGoalVerdict),
    };
    this.deployment = new GoalSeekingDeployment(this, options);
    this.status$ = this.deployment.status$;
    this.logs$ = this.deployment.logs$;
  }

  /** `deployment.logCapacity`: most log lines kept. */
  get logCapacity(): number {
    return this.deployment.logCapacity;
  }

  /** `deployment.scheduler`: the time source of the deployment's runs and logs. */
  get scheduler(): GoalSeekingDeployment['scheduler'] {
    return this.deployment.scheduler;
  }

  /** `deployment.sessionService`: where the deployment's session lives. */
  get sessionService(): GoalSeekingDeployment['sessionService'] {
    return this.deployment.sessionService;
  }

  /** `deployment.sessionKey`: the deployment's session (session id = deployment id). */
  get sessionKey(): GoalSeekingDeployment['sessionKey'] {
    return this.deployment.sessionKey;
  }

  /** `deployment.status`: the current status. */
  get status(): StatusUpdate {
    return this.deployment.status;
  }

  /** `deployment.start()`: starts the deployment, or resumes a stopped one. */
  start(): boolean {
    return this.deployment.start();
  }

  /** `deployment.respond(requestId, answer)`: answers a request the deployment waits for. */
  respond(requestId: string, answer: JsonValue): Observable<void> {
    return this.deployment.respond(requestId, answer);
  }

  /** `deployment.stop()`: cancels the deployment's run. */
  stop(): boolean {
    return this.deployment.stop();
  }

  /** `deployment.cleanup()`: stops it, deletes its session, completes the streams. */
  cleanup(): { readonly status: 'cleaned' } {
    return this.deployment.cleanup();
  }

  /** `deployment.logs(lines)`: the last log lines, oldest first (default 100). */
  logs(lines?: number): readonly string[] {
    return this.deployment.logs(lines);
  }

  /** `deployment.getSnapshot()`: the deployment's position as plain JSON. */
  getSnapshot(): GoalSeekerSnapshot {
    return this.deployment.getSnapshot();
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
}
