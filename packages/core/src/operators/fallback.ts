import { catchError, concat, of, throwError } from 'rxjs';
import type { AgentOperator, BaseAgent } from '../BaseAgent.js';
import { RxAgentsError } from '../errors.js';
import { isPause } from '../InvocationPaused.js';
import { OperatorAgent, requireOption } from '../internal/OperatorAgent.js';

/**
 * When the source agent fails, records the failure as an error event (authored by the source,
 * with `errorCode` and `errorMessage`) and runs `alternative` instead. Events the source emitted
 * before failing stay committed. A pause (`requestInput`) passes through: it is not a failure.
 * @example
 * ```ts
 * import { agent, fallback, text } from '@rxagents/core';
 * import { of, throwError } from 'rxjs';
 * const expensive = agent('expensive', () => throwError(() => new Error('rate limited')));
 * const cheap = agent('cheap', (ctx) => of(ctx.newEvent({ content: text('a cheaper answer') })));
 * const answer = expensive.pipe(fallback(cheap));
 * ```
 */
export function fallback(alternative: BaseAgent): AgentOperator {
  return (source) => {
    requireOption(source, 'fallback', alternative, 'agent');
    return new OperatorAgent(source, [alternative], (ctx) =>
      source.runAsync(ctx).pipe(
        catchError((error: unknown) =>
          isPause(error)
            ? throwError(() => error)
            : concat(
                of(
                  ctx.newEvent({
                    author: source.name,
                    branch: ctx.branch === '' ? source.name : `${ctx.branch}.${source.name}`,
                    errorCode: error instanceof RxAgentsError ? error.code : 'AGENT_ERROR',
                    errorMessage: error instanceof Error ? error.message : String(error),
                  }),
                ),
                alternative.runAsync(ctx),
              ),
        ),
      ),
    );
  };
}
