import type { Observable } from 'rxjs';
import { BaseAgent, type BaseAgentOptions } from './BaseAgent.js';
import type { Event } from './Event.js';
import type { InvocationContext } from './InvocationContext.js';

/** The behaviour of a function agent: a cold stream of events for one run. */
export type AgentFn = (ctx: InvocationContext) => Observable<Event>;

/**
 * An agent whose behaviour is a function; made by {@link agent}.
 *
 * @example
 * ```ts
 * import { agent, FunctionAgent, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 *
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: text('a draft') })));
 * console.log(writer instanceof FunctionAgent); // true
 * ```
 */
export class FunctionAgent extends BaseAgent {
  constructor(
    options: BaseAgentOptions,
    private readonly fn: AgentFn,
  ) {
    super(options);
  }

  protected runAsyncImpl(ctx: InvocationContext): Observable<Event> {
    return this.fn(ctx);
  }
}

/**
 * Makes an agent from a function, with the same wrapper as any `BaseAgent` (branches, callbacks,
 * commits, cancellation).
 *
 * @example
 * ```ts
 * import { agent, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const hello = agent('hello', (ctx) => of(ctx.newEvent({ content: text('hello') })));
 * ```
 * @param name identifier, unique among siblings
 * @param fn returns the run's events; called once per subscription
 * @param options description, sub-agents and callbacks
 */
export function agent(
  name: string,
  fn: AgentFn,
  options: Omit<BaseAgentOptions, 'name'> = {},
): FunctionAgent {
  return new FunctionAgent({ ...options, name }, fn);
}
