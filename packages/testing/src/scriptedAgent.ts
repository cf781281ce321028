import {
  agent,
  type BaseAgentOptions,
  type Content,
  type Event,
  type EventActions,
  type EventInit,
  type FunctionAgent,
  type InvocationContext,
  type StateDelta,
  text,
} from '@rxagents/core';
import { Observable } from 'rxjs';
import { parseMarble, play } from './internal/parseMarble.js';

/**
 * What a scripted agent emits for one marble character; every field is optional.
 *
 * @example
 * ```ts
 * scriptedAgent('judge', '-(j|)', { j: { content: 'good enough', escalate: true, stateDelta: { score: 9 } } });
 * ```
 */
export interface ScriptedEvent {
  /** A string becomes a one-part model text (`text(value)`). */
  readonly content?: string | Content;
  readonly stateDelta?: StateDelta;
  readonly escalate?: boolean;
  readonly transferToAgent?: string;
  readonly endInvocation?: boolean;
  readonly skipSummarization?: boolean;
  readonly partial?: boolean;
  readonly turnComplete?: boolean;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** Default: the scripted agent's name. */
  readonly author?: string;
  /** Default: the scripted agent's branch. */
  readonly branch?: string;
}

/**
 * The value of a marble character: a string (text content), a {@link ScriptedEvent}, or a
 * function of the context computing either when the frame comes (to read the state then).
 *
 * @example
 * ```ts
 * const values: Record<string, ScriptedValue> = {
 *   a: 'plain text',
 *   b: { stateDelta: { n: 1 } },
 *   c: (ctx) => `n is ${String(ctx.state.get('n'))}`,
 * };
 * ```
 */
export type ScriptedValue = string | ScriptedEvent | ((ctx: InvocationContext) => string | ScriptedEvent);

/**
 * Options of {@link scriptedAgent}: those of any agent, and the error that `#` raises.
 *
 * @example
 * ```ts
 * scriptedAgent('tool', '--#', {}, { error: new Error('down'), beforeAgentCallback: () => undefined });
 * ```
 */
export interface ScriptedAgentOptions extends Omit<BaseAgentOptions, 'name'> {
  /** What `#` in the marble errors the agent with. Default `Error('<name>: scripted error')`. */
  readonly error?: unknown;
}

/**
 * An agent whose events follow a marble diagram in the invocation's virtual time: each
 * character is an event made with `ctx.newEvent` when its frame comes, `|` completes the run and
 * `#` fails it. It goes through the same wrapper as every agent (`agent()`), so its events get
 * branches, are committed before the next one, and stop when unsubscribed.
 *
 * Frames count from the agent's subscription, in run-mode units (one character is 1 ms,
 * `'500ms'` is 500 ms, `(ab)` is one frame), on `ctx.scheduler`. Frame-0 events are emitted
 * synchronously on subscription, so a scripted agent also works without a `TestScheduler`.
 * A character without a value emits its own text.
 *
 * @example
 * ```ts
 * import { scriptedAgent } from '@rxagents/testing';
 * const writer = scriptedAgent('writer', '--d|', { d: { content: 'draft', stateDelta: { draft: 'v1' } } });
 * const judge = scriptedAgent('judge', '-(j|)', {
 *   j: (ctx) => ({ content: 'ok', escalate: ctx.state.get('draft') === 'v1' }),
 * });
 * ```
 * @param name the agent's name
 * @param marble the run's timeline, e.g. `'--a-b|'`, `'a 499ms (b|)'`, `'---#'`
 * @param values what each character emits; default: the character as text
 * @param options agent options (callbacks, description, sub-agents) and the `#` error
 */
export function scriptedAgent(
  name: string,
  marble: string,
  values: Readonly<Record<string, ScriptedValue>> = {},
  options: ScriptedAgentOptions = {},
): FunctionAgent {
  const { error = new Error(`${name}: scripted error`), ...agentOptions } = options;
  const timeline = parseMarble<ScriptedValue>(marble, values, error);
  return agent(
    name,
    (ctx) =>
      new Observable<Event>((subscriber) => {
        play(timeline, ctx.scheduler, subscriber, (notification, target) => {
          switch (notification.kind) {
            case 'N':
              target.next(ctx.newEvent(scriptedInit(notification.value, ctx)));
              break;
            case 'E':
              target.error(notification.error);
              break;
            case 'C':
              target.complete();
              break;
          }
        });
      }),
    agentOptions,
  );
}

/** @internal turns a scripted value into what `ctx.newEvent` takes. */
export function scriptedInit(value: ScriptedValue, ctx: InvocationContext): EventInit {
  const resolved = typeof value === 'function' ? value(ctx) : value;
  if (typeof resolved === 'string') return { content: text(resolved) };
  const { content, stateDelta, escalate, transferToAgent, endInvocation, skipSummarization, ...rest } =
    resolved;
  const actions: Partial<EventActions> = {
    ...(stateDelta === undefined ? {} : { stateDelta }),
    ...(escalate === undefined ? {} : { escalate }),
    ...(transferToAgent === undefined ? {} : { transferToAgent }),
    ...(endInvocation === undefined ? {} : { endInvocation }),
    ...(skipSummarization === undefined ? {} : { skipSummarization }),
  };
  const init: EventInit = {
    ...withoutUndefined(rest),
    ...(content === undefined ? {} : { content: typeof content === 'string' ? text(content) : content }),
    actions,
  };
  return init;
}

function withoutUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = item;
  return out as T;
}
