import { type AbortScope, CallbackContext, type InvocationContext } from '@rxagents/core';

/**
 * What a tool sees while it runs: the invocation, state (read and write), and the actions it may
 * take. State writes and actions are carried by the function-response event, so they are committed
 * with it, before the model is called again.
 *
 * @example
 * ```ts
 * import { functionTool } from '@rxagents/llm';
 * import { z } from 'zod';
 * const remember = functionTool({
 *   name: 'remember',
 *   description: 'Stores a fact',
 *   parameters: z.object({ fact: z.string() }),
 *   execute: ({ fact }, tool) => { tool.set('fact', fact); return { ok: true }; },
 * });
 * ```
 */
export class ToolContext extends CallbackContext {
  private escalated = false;
  private skip = false;
  private transfer: string | undefined;

  constructor(
    invocation: InvocationContext,
    /** Id of the function call being answered. */
    readonly functionCallId: string,
    /** Where `signal` comes from, read when the tool first reads `signal` (the call's `fromAbortable` scope). */
    private readonly scope: AbortScope,
  ) {
    super(invocation);
  }

  /** Aborted when the run is cancelled (unsubscribed) while the tool is working. */
  get signal(): AbortSignal {
    return this.scope.signal;
  }

  /** Stops the nearest enclosing `LoopAgent` (ADK's `escalate`). */
  escalate(): void {
    this.escalated = true;
  }

  /** Ends the agent's turn with the tool's answer; the model is not called again to summarise it. */
  skipSummarization(): void {
    this.skip = true;
  }

  /** Hands the conversation to the named agent after this tool's response. */
  transferToAgent(agentName: string): void {
    this.transfer = agentName;
  }

  /** @internal the actions requested so far. */
  takeActions(): { escalate: boolean; skipSummarization: boolean; transferToAgent: string | undefined } {
    return { escalate: this.escalated, skipSummarization: this.skip, transferToAgent: this.transfer };
  }
}
