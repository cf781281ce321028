import {
  type IdGenerator,
  InMemorySessionService,
  type JsonValue,
  randomIds,
  type SessionService,
} from '@rxagents/core';
import { asyncScheduler, concat, defer, from, type Observable, type SchedulerLike } from 'rxjs';
import type { ConfigProblem } from './ConfigProblem.js';
import type { DeploymentConfig } from './DeploymentConfig.js';
import type { StatusUpdate } from './DeploymentStatus.js';
import { DEPLOYMENT_DEFAULTS } from './deploymentDefaults.js';
import { DeploymentNotFoundError, InvalidDeploymentConfigError } from './errors.js';
import { GoalSeekingAgent } from './GoalSeekingAgent.js';
import type { GoalSeekingAgentOptions } from './GoalSeekingAgentOptions.js';
import { validateConfig } from './validateConfig.js';

/** Options of {@link Workload}. */
export interface WorkloadOptions {
  /** Time source of every deployment. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Where deployments' sessions live (one session per deployment). Default: a new in-memory one. */
  readonly sessionService?: SessionService;
  /** Default `'workloads'`. */
  readonly appName?: string;
  /** Default `'workload'`. */
  readonly userId?: string;
  /** Source of generated deployment ids (`deployment-<id>`). Default: random. */
  readonly idGenerator?: IdGenerator;
}

/** One row of {@link Workload.list}. */
export interface DeploymentInfo extends StatusUpdate {
  readonly id: string;
  readonly goal: string;
}

/**
 * Deploys goal-seeking agents and manages them by id: many at once, each in its own session,
 * each stopped, resumed and cleaned up independently.
 *
 * @example
 * ```ts
 * import { agent, text } from '@rxagents/core';
 * import { Workload } from '@rxagents/workloads';
 * import { of } from 'rxjs';
 *
 * const build = agent('build', (ctx) => of(ctx.newEvent({ content: text('built') })));
 * const workload = new Workload();
 * const id = workload.deploy({ goal: 'a deployed web app', phases: [{ name: 'build', agent: build }] });
 * workload.status$(id).subscribe(({ phase, status }) => console.log(phase, status));
 * workload.stop(id);  // true: it was running
 * workload.start(id); // resumes at the phase it was in
 * workload.logs(id, 20).forEach((line) => console.log(line));
 * // a phase that asked for input (status 'waiting'): answer it
 * const [request] = workload.status(id).requests ?? [];
 * if (request !== undefined) workload.respond(id, request.id, { approved: true }).subscribe();
 * workload.cleanup(id); // { status: 'cleaned' }
 * ```
 * @see GoalSeekingAgent for one deployment on its own
 */
export class Workload {
  readonly scheduler: SchedulerLike;
  readonly sessionService: SessionService;
  private readonly deployments = new Map<string, GoalSeekingAgent>();
  private readonly ids: IdGenerator;
  private readonly appName: string;
  private readonly userId: string;

  constructor(options: WorkloadOptions = {}) {
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.sessionService = options.sessionService ?? new InMemorySessionService();
    this.ids = options.idGenerator ?? randomIds();
    this.appName = options.appName ?? DEPLOYMENT_DEFAULTS.appName;
    this.userId = options.userId ?? DEPLOYMENT_DEFAULTS.userId;
  }

  /**
   * What is wrong with a config (empty when `deploy` would accept it): the checks of
   * `validateConfig` plus a `deploymentId` already in use here.
   */
  validateConfig(config: unknown): readonly ConfigProblem[] {
    const problems = validateConfig(config);
    const id =
      typeof config === 'object' && config !== null
        ? (config as { deploymentId?: unknown }).deploymentId
        : undefined;
    if (typeof id === 'string' && this.deployments.has(id)) {
      return [...problems, { field: 'deploymentId', message: `'${id}' is already deployed` }];
    }
    return problems;
  }

  /**
   * Validates the config, creates its agent and starts it; returns the deployment id.
   * @throws InvalidDeploymentConfigError when `validateConfig` finds problems (nothing is started)
   */
  deploy(config: DeploymentConfig): string {
    const problems = this.validateConfig(config);
    if (problems.length > 0) throw new InvalidDeploymentConfigError(config?.name, problems);
    let id = config.deploymentId;
    while (id === undefined || this.deployments.has(id)) id = `deployment-${this.ids()}`;
    const options: GoalSeekingAgentOptions = {
      ...config,
      deploymentId: id,
      scheduler: this.scheduler,
      sessionService: this.sessionService,
      appName: this.appName,
      userId: this.userId,
    };
    const seeker = new GoalSeekingAgent(options);
    this.deployments.set(id, seeker);
    seeker.start();
    return id;
  }

  /** The deployment's agent (to inspect it, snapshot it or run it elsewhere). */
  get(id: string): GoalSeekingAgent {
    const seeker = this.deployments.get(id);
    if (seeker === undefined) throw new DeploymentNotFoundError(id);
    return seeker;
  }

  /** The current status. @throws DeploymentNotFoundError */
  status(id: string): StatusUpdate {
    return this.get(id).status;
  }

  /** Current status then every change; completes on cleanup. @throws DeploymentNotFoundError */
  status$(id: string): Observable<StatusUpdate> {
    return this.get(id).status$;
  }

  /** The last `lines` log lines (default 100). @throws DeploymentNotFoundError */
  logs(id: string, lines: number = DEPLOYMENT_DEFAULTS.logLines): readonly string[] {
    return this.get(id).logs(lines);
  }

  /**
   * The lines written so far (up to the log's capacity), then live lines as they are written.
   * `deploy` starts the deployment at once, so its first lines ("Deployment … started", "Phase …
   * started") are written before anyone can subscribe: a live-only stream would never show them.
   * @throws DeploymentNotFoundError
   */
  logs$(id: string): Observable<string> {
    const agent = this.get(id);
    return defer(() => concat(from(agent.logs(agent.logCapacity)), agent.logs$));
  }

  /** Cancels a deployment; false when it is already completed, failed or stopped. @throws DeploymentNotFoundError */
  stop(id: string): boolean {
    return this.get(id).stop();
  }

  /** Resumes a stopped deployment; false when it is not stopped. @throws DeploymentNotFoundError */
  start(id: string): boolean {
    return this.get(id).start();
  }

  /**
   * Answers a request of a `waiting` deployment (its ids are in `status(id).requests`); the run
   * goes on where it paused. Completes once the answer is committed. Errors, nothing changed:
   * `DeploymentNotFoundError`, `DeploymentNotWaitingError`, `UnknownRequestError`,
   * `InvalidAnswerError` (see `GoalSeekingAgent.respond`).
   */
  respond(id: string, requestId: string, answer: JsonValue): Observable<void> {
    return defer(() => this.get(id).respond(requestId, answer));
  }

  /** Stops the deployment, deletes its session and forgets it. @throws DeploymentNotFoundError */
  cleanup(id: string): { readonly status: 'cleaned' } {
    const result = this.get(id).cleanup();
    this.deployments.delete(id);
    return result;
  }

  /** Every deployment held, in deployment order. */
  list(): readonly DeploymentInfo[] {
    const out: DeploymentInfo[] = [];
    for (const [id, seeker] of this.deployments) out.push({ id, goal: seeker.goal, ...seeker.status });
    return out;
  }
}
