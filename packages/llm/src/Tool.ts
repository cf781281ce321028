import type { JsonValue } from '@rxagents/core';
import type { Observable } from 'rxjs';
import type { ToolDeclaration } from './Model.js';
import type { ToolContext } from './ToolContext.js';

/** The arguments of a function call, as the model sent them. */
export type ToolArgs = Readonly<Record<string, JsonValue>>;

/** What goes back to the model as a function response. */
export type ToolResult = Readonly<Record<string, JsonValue>>;

/**
 * A tool an `LlmAgent` can call. Made by {@link functionTool}, {@link agentTool},
 * {@link exitLoopTool}; implement it directly for anything else.
 *
 * `run` is cold: subscribing runs the tool, unsubscribing cancels it (`toolContext.signal`).
 * A failing `run` is turned into an `{ error }` response by the agent, never a crash.
 */
export interface Tool {
  readonly name: string;
  readonly description: string;
  /** How the model sees the tool. */
  readonly declaration: ToolDeclaration;
  run(args: ToolArgs, toolContext: ToolContext): Observable<ToolResult>;
}
