import { BaseAgent } from '@rxagents/core';
import type { ConfigProblem } from './ConfigProblem.js';
import { EVALUATION_PHASE } from './stateKeys.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Lists what is wrong with a deployment config (empty when it is fine). Accepts anything, so
 * configs from JSON or untyped code can be checked before `deploy`; a config with problems never
 * starts a run.
 *
 * @example
 * ```ts
 * import { validateConfig } from '@rxagents/workloads';
 * validateConfig({ goal: '', phases: [] });
 * // [{ field: 'goal', message: 'must be a non-empty string' }, { field: 'phases', message: 'must be a non-empty array' }]
 * ```
 * @param config the candidate {@link DeploymentConfig}
 */
export function validateConfig(config: unknown): readonly ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problem = (field: string, message: string): void => {
    problems.push({ field, message });
  };
  if (typeof config !== 'object' || config === null) {
    problem('config', 'must be an object');
    return problems;
  }
  const c = config as Record<string, unknown>;
  if (typeof c.goal !== 'string' || c.goal.trim() === '') problem('goal', 'must be a non-empty string');
  if ('deploymentId' in c && c.deploymentId !== undefined) {
    if (typeof c.deploymentId !== 'string' || c.deploymentId === '')
      problem('deploymentId', 'must be a non-empty string');
  }
  if (c.name !== undefined && (typeof c.name !== 'string' || !NAME.test(c.name) || c.name === 'user')) {
    problem('name', 'must be an identifier (letters, digits and _), not "user"');
  }
  const hasEvaluator = c.evaluator !== undefined;
  if (hasEvaluator && !(c.evaluator instanceof BaseAgent)) problem('evaluator', 'must be an agent');
  if (c.maxAttempts !== undefined) {
    if (!hasEvaluator) problem('maxAttempts', 'needs an evaluator');
    else if (!Number.isInteger(c.maxAttempts) || (c.maxAttempts as number) < 1)
      problem('maxAttempts', 'must be an integer >= 1');
  }
  if (c.verdict !== undefined) {
    if (!hasEvaluator) problem('verdict', 'needs an evaluator');
    else if (typeof c.verdict !== 'function') problem('verdict', 'must be a function');
  }
  if (c.logCapacity !== undefined && (!Number.isInteger(c.logCapacity) || (c.logCapacity as number) < 1)) {
    problem('logCapacity', 'must be an integer >= 1');
  }
  if (c.onStatusChange !== undefined && typeof c.onStatusChange !== 'function') {
    problem('onStatusChange', 'must be a function');
  }
  if (!Array.isArray(c.phases) || c.phases.length === 0) {
    problem('phases', 'must be a non-empty array');
    return problems;
  }
  const seen = new Set<string>();
  c.phases.forEach((phase: unknown, i: number) => {
    if (typeof phase !== 'object' || phase === null) {
      problem(`phases[${i}]`, 'must be { name, agent }');
      return;
    }
    const { name, agent } = phase as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') {
      problem(`phases[${i}].name`, 'must be a non-empty string');
    } else if (seen.has(name)) {
      problem(`phases[${i}].name`, `'${name}' is used by another phase`);
    } else if (hasEvaluator && name === EVALUATION_PHASE) {
      problem(`phases[${i}].name`, `'${EVALUATION_PHASE}' is reserved for the evaluator`);
    }
    if (typeof name === 'string') seen.add(name);
    if (!(agent instanceof BaseAgent)) problem(`phases[${i}].agent`, 'must be an agent');
  });
  return problems;
}
