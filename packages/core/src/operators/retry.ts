import { of, retry as retryStream, throwError, timer } from 'rxjs';
import type { AgentOperator } from '../BaseAgent.js';
import { InvalidAgentConfigError } from '../errors.js';
import { isPause } from '../InvocationPaused.js';
import { OperatorAgent, requireOption } from '../internal/OperatorAgent.js';

/** Options of {@link retry}. */
export interface RetryConfig {
  /** Retries after the first failure (an integer >= 0). Default 1. */
  readonly count?: number;
  /** Wait before each retry, in ms of the invocation's scheduler. Default 0 (at once). */
  readonly delay?: number;
}

/**
 * Runs the source agent again when it fails, up to `count` times. Events of a failed attempt
 * stay committed, as they were when they were emitted. A pause (`requestInput`) is not a failure:
 * it passes through untouched.
 * @example
 * ```ts
 * import { agent, retry, text } from '@rxagents/core';
 * import { defer, of, throwError } from 'rxjs';
 * let calls = 0;
 * const flaky = agent('flaky', (ctx) =>
 *   defer(() => (++calls < 3 ? throwError(() => new Error('busy')) : of(ctx.newEvent({ content: text('done') })))),
 * );
 * const robust = flaky.pipe(retry({ count: 3, delay: 1_000 }));
 * ```
 */
export function retry(config: number | RetryConfig = 1): AgentOperator {
  return (source) => {
    if (typeof config !== 'number') requireOption(source, 'retry', config, 'object');
    const { count = 1, delay = 0 } = typeof config === 'number' ? { count: config } : config;
    if (!Number.isInteger(count) || count < 0) {
      throw new InvalidAgentConfigError(source.name, 'retry.count', `must be an integer >= 0, got ${count}`);
    }
    if (!(Number.isFinite(delay) && delay >= 0)) {
      throw new InvalidAgentConfigError(source.name, 'retry.delay', `must be a number >= 0, got ${delay}`);
    }
    return new OperatorAgent(source, [], (ctx) =>
      source.runAsync(ctx).pipe(
        retryStream({
          count,
          // A pause is not a failure: it passes through, and the attempt count stays what it was.
          delay: (error: unknown) =>
            isPause(error) ? throwError(() => error) : delay === 0 ? of(0) : timer(delay, ctx.scheduler),
        }),
      ),
    );
  };
}
