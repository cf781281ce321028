import type { Observable } from 'rxjs';
import { BaseAgent } from './BaseAgent.js';
import { concatLazy } from './concatLazy.js';
import type { Event } from './Event.js';
import type { InvocationContext } from './InvocationContext.js';

/**
 * Runs its sub-agents one after another; each starts after the previous one completed, so it
 * sees every state change committed before it.
 *
 * @example
 * ```ts
 * import { agent, SequentialAgent, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: text('writer here') })));
 * const critic = agent('critic', (ctx) => of(ctx.newEvent({ content: text('critic here') })));
 * const flow = new SequentialAgent({ name: 'flow', subAgents: [writer, critic] });
 * ```
 * @see sequence for the functional form
 */
export class SequentialAgent extends BaseAgent {
  protected runAsyncImpl(ctx: InvocationContext): Observable<Event> {
    const subs = this.subAgents;
    return concatLazy((i) => subs[i]?.runAsync(ctx));
  }
}
