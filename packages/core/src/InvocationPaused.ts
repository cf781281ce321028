import type { Event } from './Event.js';

/**
 * How a pause travels up the agent tree: an agent that asked for input (see `requestInput`)
 * fails its stream with this signal; the wrapper of that agent commits and emits the request
 * events, every enclosing agent stops as it does on an error (sequences and loops go no
 * further), a `ParallelAgent` lets its other branches run to their own end first, and the
 * `Runner` turns it into a normal completion. Not an `RxAgentsError`: it is control flow, not a
 * failure. Code that catches errors inside an agent should let it through (`isPause`).
 *
 * @example
 * ```ts
 * import { agent, isPause, requestInput, text } from '@rxagents/core';
 * import { catchError, map, of, throwError } from 'rxjs';
 * // Recovers from failures, but lets a pause travel up to the Runner.
 * const approve = agent('approve', (ctx) =>
 *   requestInput(ctx, { id: 'approve' }).pipe(
 *     map(() => ctx.newEvent({ content: text('approved') })),
 *     catchError((error) => (isPause(error) ? throwError(() => error) : of(ctx.newEvent({ content: text('sorry') })))),
 *   ),
 * );
 * ```
 */
export class InvocationPaused extends Error {
  /**
   * Request events not yet emitted: the wrapper of the asking agent emits them and empties
   * this list, so they are emitted once however many agents the pause passes through.
   */
  readonly unemitted: Event[];
  /** Ids of every request this pause waits for. */
  readonly requestIds: readonly string[];

  constructor(requestIds: readonly string[], unemitted: readonly Event[] = []) {
    super(`paused for input: ${requestIds.join(', ')}`);
    this.name = 'InvocationPaused';
    this.requestIds = requestIds;
    this.unemitted = [...unemitted];
  }
}

/**
 * Whether an error is the pause signal (see {@link InvocationPaused}).
 *
 * @example
 * ```ts
 * import { agent, isPause, requestInput, text } from '@rxagents/core';
 * import { catchError, map, of, throwError } from 'rxjs';
 *
 * // Turns failures into an apology, but lets the pause of requestInput travel on.
 * const approve = agent('approve', (ctx) =>
 *   requestInput(ctx, { id: 'approve', payload: 'Publish?' }).pipe(
 *     map((answer) => ctx.newEvent({ content: text(`answer: ${String(answer)}`) })),
 *     catchError((error) => (isPause(error) ? throwError(() => error) : of(ctx.newEvent({ content: text('sorry') })))),
 *   ),
 * );
 * ```
 */
export function isPause(error: unknown): error is InvocationPaused {
  return error instanceof InvocationPaused;
}
