import { Observable, throwError, timeout as timeoutStream } from 'rxjs';
import type { AgentOperator } from '../BaseAgent.js';
import type { Event } from '../Event.js';
import { AgentTimeoutError, InvalidAgentConfigError } from '../errors.js';
import { OperatorAgent, requireOption } from '../internal/OperatorAgent.js';

/** Options of {@link timeout}: a deadline for the whole run, a limit on the gap between events, or both. */
export type TimeoutConfig =
  | { readonly total: number; readonly each?: number }
  | { readonly total?: number; readonly each: number };

/**
 * Fails the source agent with an `AgentTimeoutError` when its run takes longer than `total` ms,
 * or when `each` ms pass without an event. Time comes from the invocation's scheduler, so it is
 * virtual under a TestScheduler. Everything beneath is cancelled when it fires.
 * @example
 * ```ts
 * import { agent, text, timeout } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const researcher = agent('researcher', (ctx) => of(ctx.newEvent({ content: text('researcher here') })));
 * const bounded = researcher.pipe(timeout(30_000));
 * ```
 * @param config total deadline in ms, or `{ total?, each? }`
 */
export function timeout(config: number | TimeoutConfig): AgentOperator {
  return (source) => {
    if (typeof config !== 'number') requireOption(source, 'timeout', config, 'object');
    const { total, each } = typeof config === 'number' ? { total: config, each: undefined } : config;
    // `timeout({})` would otherwise apply no timeout at all.
    if (total === undefined && each === undefined)
      throw new InvalidAgentConfigError(source.name, 'timeout', 'give total or each (ms), or a number');
    for (const [field, value] of [
      ['timeout.total', total],
      ['timeout.each', each],
    ] as const) {
      if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
        throw new InvalidAgentConfigError(source.name, field, `must be a number > 0, got ${value}`);
      }
    }
    return new OperatorAgent(source, [], (ctx) => {
      let events = source.runAsync(ctx);
      if (each !== undefined) {
        events = events.pipe(
          timeoutStream({
            each,
            scheduler: ctx.scheduler,
            with: () => throwError(() => new AgentTimeoutError(source.name, each)),
          }),
        );
      }
      if (total === undefined) return events;
      const inner = events;
      return new Observable<Event>((subscriber) => {
        subscriber.add(
          ctx.scheduler.schedule(() => subscriber.error(new AgentTimeoutError(source.name, total)), total),
        );
        // Passing the subscriber itself lets a synchronous source see it close.
        inner.subscribe(subscriber);
      });
    });
  };
}
