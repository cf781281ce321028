import type { State } from '@rxagents/core';
import { GOAL_KEYS } from './stateKeys.js';

/** An evaluator's answer: whether the goal is met, and why. */
export interface GoalVerdict {
  readonly met: boolean;
  readonly reason: string;
}

/** Reads a verdict from the state after the evaluator ran; `undefined` when there is none. */
export type VerdictReader = (state: State) => GoalVerdict | undefined;

/**
 * The default {@link VerdictReader} (see {@link GOAL_KEYS}): `goal:verdict` as `{ met, reason? }`,
 * else `goal:met` as a boolean (or `'true'` / `'false'`, any case, surrounding whitespace ignored)
 * with `goal:reason` as a string (default `''`).
 *
 * @example
 * ```ts
 * import { readGoalVerdict } from '@rxagents/workloads';
 * readGoalVerdict({ 'goal:met': 'false', 'goal:reason': 'tests fail' }); // { met: false, reason: 'tests fail' }
 * ```
 */
export function readGoalVerdict(state: State): GoalVerdict | undefined {
  const verdict = state[GOAL_KEYS.verdict];
  if (typeof verdict === 'object' && verdict !== null && !Array.isArray(verdict)) {
    const { met, reason } = verdict as Readonly<Record<string, unknown>>;
    if (typeof met === 'boolean') return { met, reason: typeof reason === 'string' ? reason : '' };
  }
  const raw = state[GOAL_KEYS.met];
  const reasonRaw = state[GOAL_KEYS.reason];
  const reason = typeof reasonRaw === 'string' ? reasonRaw : '';
  if (typeof raw === 'boolean') return { met: raw, reason };
  if (typeof raw === 'string') {
    const word = raw.trim().toLowerCase();
    if (word === 'true') return { met: true, reason };
    if (word === 'false') return { met: false, reason };
  }
  return undefined;
}
