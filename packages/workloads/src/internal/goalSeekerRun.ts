import {
  type BaseAgent,
  type Event,
  type InvocationContext,
  isPause,
  isResumeFault,
  type JsonValue,
  type StateStore,
} from '@rxagents/core';
import { catchError, concat, defer, type Observable, of, throwError } from 'rxjs';
import type { DeploymentStatus } from '../DeploymentStatus.js';
import type { VerdictReader } from '../GoalVerdict.js';
import type { Phase } from '../Phase.js';
import { DEPLOYMENT_KEYS, EVALUATION_PHASE, GOAL_KEYS } from '../stateKeys.js';

/** The immutable plan of a goal seeker: everything a run needs, nothing a run changes. */
export interface GoalSeekerPlan {
  readonly deploymentId: string;
  readonly goal: string;
  readonly phases: readonly Phase[];
  readonly evaluator: BaseAgent | undefined;
  readonly maxAttempts: number;
  readonly verdict: VerdictReader;
}

/** Where a run starts: a phase index (`phases.length` = the evaluation) and an attempt. */
export interface Position {
  readonly phaseIndex: number;
  readonly attempt: number;
}

/** Error codes of the goal seeker's `failed` events. */
export const PHASE_FAILED = 'PHASE_FAILED';
export const GOAL_NOT_MET = 'GOAL_NOT_MET';

/**
 * Reads where to resume from the session: a run of the same deployment that was `running`
 * (interrupted) or `stopped` continues at its phase and attempt; anything else starts afresh.
 */
export function resumePosition(state: StateStore, plan: GoalSeekerPlan): Position {
  const fresh: Position = { phaseIndex: 0, attempt: 1 };
  if (state.get(DEPLOYMENT_KEYS.id) !== plan.deploymentId) return fresh;
  const status = state.get(DEPLOYMENT_KEYS.status);
  if (status !== 'running' && status !== 'stopped') return fresh;
  const phaseIndex = phaseIndexOf(plan, state.get(DEPLOYMENT_KEYS.phase));
  if (phaseIndex < 0) return fresh;
  const attempt = state.get(DEPLOYMENT_KEYS.attempt);
  const valid = typeof attempt === 'number' && Number.isInteger(attempt) && attempt >= 1;
  return { phaseIndex, attempt: valid ? Math.min(attempt, plan.maxAttempts) : 1 };
}

/** Index of a phase name; `phases.length` for the evaluation; -1 when unknown. */
export function phaseIndexOf(
  plan: Pick<GoalSeekerPlan, 'phases' | 'evaluator'>,
  phase: JsonValue | undefined,
): number {
  if (phase === EVALUATION_PHASE && plan.evaluator !== undefined) return plan.phases.length;
  return plan.phases.findIndex((p) => p.name === phase);
}

/**
 * One run of a goal seeker: phases in order, then the evaluation, retrying the phases while the
 * goal is not met and attempts remain. Status changes are content-less events whose state delta
 * sets `deployment:*`; a failure ends the run with a `failed` event carrying `errorCode` and
 * `errorMessage` (the run completes, it does not error). Per-run state lives in this closure.
 */
export function goalSeekerRun(plan: GoalSeekerPlan, ctx: InvocationContext): Observable<Event> {
  return defer(() => {
    const { phases, evaluator, maxAttempts } = plan;
    const start = resumePosition(ctx.state, plan);
    let current = phases[Math.min(start.phaseIndex, phases.length - 1)]!.name;
    let currentAttempt = start.attempt;
    let first = true;

    const statusEvent = (
      phase: string,
      status: DeploymentStatus,
      attempt: number,
      extra: Readonly<Record<string, JsonValue>> = {},
      error?: { readonly code: string; readonly message: string },
    ): Event => {
      const delta: Record<string, JsonValue> = {
        [DEPLOYMENT_KEYS.id]: plan.deploymentId,
        [DEPLOYMENT_KEYS.phase]: phase,
        [DEPLOYMENT_KEYS.status]: status,
        [DEPLOYMENT_KEYS.attempt]: attempt,
        ...extra,
      };
      if (first) {
        delta[DEPLOYMENT_KEYS.goal] = plan.goal;
        first = false;
      }
      return ctx.newEvent({
        actions: { stateDelta: delta },
        ...(error === undefined ? {} : { errorCode: error.code, errorMessage: error.message }),
      });
    };

    const runPhase = (
      index: number,
      attempt: number,
      carried?: Readonly<Record<string, JsonValue>>,
    ): Observable<Event> =>
      defer(() => {
        const phase = phases[index]!;
        current = phase.name;
        currentAttempt = attempt;
        return concat(of(statusEvent(phase.name, 'running', attempt, carried)), phase.agent.runAsync(ctx));
      });

    const evaluate = (judge: BaseAgent, attempt: number): Observable<Event> =>
      defer(() => {
        current = EVALUATION_PHASE;
        currentAttempt = attempt;
        const reset = { [GOAL_KEYS.verdict]: null, [GOAL_KEYS.met]: null, [GOAL_KEYS.reason]: null };
        return concat(
          of(statusEvent(EVALUATION_PHASE, 'running', attempt, reset)),
          judge.runAsync(ctx),
          defer(() => {
            const verdict = plan.verdict(ctx.state.snapshot());
            if (verdict === undefined) {
              return of(
                statusEvent(
                  EVALUATION_PHASE,
                  'failed',
                  attempt,
                  {},
                  {
                    code: PHASE_FAILED,
                    message: `evaluator '${judge.name}' reported no verdict (write '${GOAL_KEYS.verdict}' or '${GOAL_KEYS.met}' to state)`,
                  },
                ),
              );
            }
            const evaluation = {
              [DEPLOYMENT_KEYS.evaluation]: { attempt, met: verdict.met, reason: verdict.reason },
            };
            if (verdict.met) return of(statusEvent(EVALUATION_PHASE, 'completed', attempt, evaluation));
            if (attempt < maxAttempts) {
              // The evaluation is recorded by the first status event of the next attempt.
              return attemptFrom(0, attempt + 1, evaluation);
            }
            return of(
              statusEvent(EVALUATION_PHASE, 'failed', attempt, evaluation, {
                code: GOAL_NOT_MET,
                message: `goal not met after ${attempt} attempt${attempt === 1 ? '' : 's'}${verdict.reason === '' ? '' : `: ${verdict.reason}`}`,
              }),
            );
          }),
        );
      });

    const attemptFrom = (
      fromIndex: number,
      attempt: number,
      carried?: Readonly<Record<string, JsonValue>>,
    ): Observable<Event> => {
      const steps: Observable<Event>[] = [];
      for (let i = fromIndex; i < phases.length; i++) {
        steps.push(runPhase(i, attempt, i === fromIndex ? carried : undefined));
      }
      steps.push(
        defer(() =>
          evaluator === undefined
            ? of(statusEvent(current, 'completed', attempt))
            : evaluate(evaluator, attempt),
        ),
      );
      return concat(...steps);
    };

    return attemptFrom(start.phaseIndex, start.attempt).pipe(
      // A phase that asks for input pauses the run (it is not a failure): the pause goes on up,
      // as does a fault of a resume (a bad answer), which must fail the resume, not the phase.
      catchError((error: unknown) =>
        isPause(error) || isResumeFault(error)
          ? throwError(() => error)
          : of(
              statusEvent(
                current,
                'failed',
                currentAttempt,
                {},
                {
                  code: PHASE_FAILED,
                  message: `phase '${current}' failed: ${messageOf(error)}`,
                },
              ),
            ),
      ),
    );
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
