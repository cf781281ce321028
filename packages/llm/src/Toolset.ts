import type { InvocationContext } from '@rxagents/core';
import type { Observable } from 'rxjs';
import type { Tool } from './Tool.js';

/**
 * A group of tools whose list is only known at run time, such as the tools of an MCP server
 * (ADK's `BaseToolset`). An `LlmAgent` given a toolset asks it for its tools before every model
 * call, so a server that adds or removes tools is seen on the next call.
 *
 * `tools$` is cold and should emit once (only its first value is used); failing it fails the
 * agent's step before the model is called, so nothing of that step is committed.
 *
 * @example
 * ```ts
 * import { functionTool, type Toolset } from '@rxagents/llm';
 * import { of } from 'rxjs';
 * import { z } from 'zod';
 * const clock = functionTool({
 *   name: 'now',
 *   description: 'The current time',
 *   parameters: z.object({}),
 *   execute: () => ({ now: new Date().toISOString() }),
 * });
 * const toolset: Toolset = { name: 'clock', tools$: () => of([clock]) };
 * ```
 * @see LlmAgent
 */
export interface Toolset {
  /** Names the toolset in errors. */
  readonly name: string;
  /** The tools to offer for one model call of the given invocation. */
  tools$(ctx: InvocationContext): Observable<readonly Tool[]>;
}

/**
 * Whether an entry of `LlmAgent`'s `tools` is a {@link Toolset} rather than a {@link Tool}.
 *
 * @example
 * ```ts
 * import { functionTool, isToolset, type Tool, type Toolset } from '@rxagents/llm';
 * import { of } from 'rxjs';
 * import { z } from 'zod';
 *
 * const clock = functionTool({ name: 'now', description: 'The time', parameters: z.object({}), execute: () => ({ at: 0 }) });
 * const toolbox: Toolset = { name: 'toolbox', tools$: () => of([clock]) };
 * const entries: (Tool | Toolset)[] = [clock, toolbox];
 * const names = entries.map((entry) => (isToolset(entry) ? `${entry.name} (set)` : entry.name)); // ['now', 'toolbox (set)']
 * ```
 */
export function isToolset(entry: Tool | Toolset): entry is Toolset {
  return typeof (entry as Partial<Toolset>).tools$ === 'function';
}
