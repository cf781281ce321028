import type { BaseAgent, IdGenerator, SessionService } from '@rxagents/core';
import type { SchedulerLike } from 'rxjs';
import type { DeploymentStatus } from './DeploymentStatus.js';
import type { GoalSeekerSnapshot } from './GoalSeekerSnapshot.js';
import type { VerdictReader } from './GoalVerdict.js';
import type { Phase } from './Phase.js';

/** Goal evaluation: either none, or an evaluator with its retry limit (they only make sense together). */
export type EvaluationOptions =
  | { readonly evaluator?: undefined; readonly maxAttempts?: undefined; readonly verdict?: undefined }
  | {
      /**
       * Runs after the phases and reports whether the goal is met by writing `goal:met` (and
       * `goal:reason`) to state; see `GOAL_KEYS`. An `LlmAgent` with `outputKey: 'goal:met'` works.
       */
      readonly evaluator: BaseAgent;
      /** Attempts at the phases, the first included. Default 3. */
      readonly maxAttempts?: number;
      /** Reads the verdict from state. Default {@link readGoalVerdict}. */
      readonly verdict?: VerdictReader;
    };

/** What a deployment is: its goal, phases, evaluation and logging. Shared by `GoalSeekingAgent` and `Workload.deploy`. */
export type DeploymentSpec = {
  readonly goal: string;
  /** Run in order; a phase that errors fails the deployment and later phases do not run. */
  readonly phases: readonly Phase[];
  /** Called with every status change after the initial `pending`. */
  readonly onStatusChange?: (phase: string, status: DeploymentStatus) => void;
  /** Most log lines kept (oldest dropped first). Default 1000. */
  readonly logCapacity?: number;
  /** Agent name (an identifier). Default `'goal_seeker'`. */
  readonly name?: string;
  readonly description?: string;
} & EvaluationOptions;

/** Options of {@link GoalSeekingAgent}. */
export type GoalSeekingAgentOptions = DeploymentSpec & {
  readonly deploymentId: string;
  /** Time source for events, logs and the phases' timers. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Where the deployment's session lives (session id = deployment id). Default: a new in-memory one. */
  readonly sessionService?: SessionService;
  /** Default `'workloads'`. */
  readonly appName?: string;
  /** Default `'workload'`. */
  readonly userId?: string;
  /** Event and invocation ids. Default: random. */
  readonly idGenerator?: IdGenerator;
  /** A position saved with `getSnapshot()` to continue from. */
  readonly snapshot?: GoalSeekerSnapshot;
};

/**
 * Where a deployment runs and what it reports to: the part of {@link GoalSeekingAgentOptions}
 * its `GoalSeekingDeployment` handle takes.
 */
export type DeploymentHandleOptions = Pick<
  GoalSeekingAgentOptions,
  | 'scheduler'
  | 'sessionService'
  | 'appName'
  | 'userId'
  | 'idGenerator'
  | 'snapshot'
  | 'logCapacity'
  | 'onStatusChange'
>;
