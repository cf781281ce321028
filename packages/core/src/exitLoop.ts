import type { Content } from './Content.js';
import type { Event } from './Event.js';
import type { InvocationContext } from './InvocationContext.js';

/**
 * An event that stops the nearest enclosing `LoopAgent` (ADK's `exit_loop`).
 *
 * @example
 * ```ts
 * import { agent, exitLoop, loop, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const judge = agent('judge', (ctx) => of(exitLoop(ctx, text('good enough'))));
 * const refine = loop('refine', [judge], { maxIterations: 5 }); // runs judge once
 * ```
 * @param ctx the escalating agent's context
 * @param content optional content carried by the event
 */
export function exitLoop(ctx: InvocationContext, content?: Content): Event {
  return ctx.newEvent({ ...(content === undefined ? {} : { content }), actions: { escalate: true } });
}
