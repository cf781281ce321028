import type { ObservableInput } from 'rxjs';
import type { Content } from './Content.js';
import type { InvocationContext } from './InvocationContext.js';
import { validateKey } from './internal/validateState.js';
import type { JsonValue } from './json.js';
import type { State, StateDelta } from './StateStore.js';

/**
 * What a before/after-agent callback sees: the invocation, read access to state, and a way to
 * write state. Writes are collected into one delta and committed with the callback's event.
 *
 * @example
 * ```ts
 * import { agent, type CallbackContext, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 *
 * // Counts the runs of an agent in state, written with the callback's event.
 * const countRuns = (cb: CallbackContext) => {
 *   cb.set('runs', Number(cb.get('runs') ?? 0) + 1);
 * };
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: text('a draft') })), {
 *   beforeAgentCallback: countRuns,
 * });
 * ```
 */
export class CallbackContext {
  private pending: Record<string, JsonValue> | undefined;

  constructor(readonly invocation: InvocationContext) {}

  get agentName(): string {
    return this.invocation.agent.name;
  }

  get branch(): string {
    return this.invocation.branch;
  }

  get invocationId(): string {
    return this.invocation.invocationId;
  }

  /** Current value of a key, including this callback's own pending writes. */
  get(key: string): JsonValue | undefined {
    const pending = this.pending;
    if (pending !== undefined && key in pending) return pending[key];
    return this.invocation.state.get(key);
  }

  /** Current state snapshot (without this callback's pending writes). */
  get state(): State {
    return this.invocation.state.snapshot();
  }

  /**
   * Records a state write; committed when the callback's event is emitted. A key the session
   * cannot hold (`'__proto__'`, `''`, …) throws an `InvalidStateError` at once, rather than being
   * dropped by the object that collects the writes.
   */
  set(key: string, value: JsonValue): void {
    validateKey(this.invocation.agent.name, key);
    (this.pending ??= {})[key] = value;
  }

  /**
   * Returns the writes made so far (or undefined) and clears them: what the framework commits
   * with the callback's event. Subclasses such as tool contexts use it to attach writes to theirs.
   */
  takeDelta(): StateDelta | undefined {
    const delta = this.pending;
    this.pending = undefined;
    return delta;
  }
}

/** What an agent callback may return: content to short-circuit / append, or nothing. */
export type CallbackResult = Content | undefined | void;

/**
 * A before- or after-agent callback. Returning content from a before-callback skips the agent;
 * from an after-callback, appends it. Writing state only yields a content-less event with the delta.
 */
export type AgentCallback = (context: CallbackContext) => CallbackResult | ObservableInput<CallbackResult>;
