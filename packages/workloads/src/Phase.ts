import type { BaseAgent } from '@rxagents/core';

/**
 * One named step of a goal-seeking deployment: any agent of ours (a function agent, an
 * `LlmAgent`, a workflow agent). Phase agents are referenced, not adopted as sub-agents, so the
 * same agents can be deployed many times at once (agents keep no per-run state).
 *
 * @example
 * ```ts
 * import { agent, text } from '@rxagents/core';
 * import type { Phase } from '@rxagents/workloads';
 * import { of } from 'rxjs';
 * const plan: Phase = { name: 'plan', agent: agent('planner', (ctx) => of(ctx.newEvent({ content: text('planned') }))) };
 * ```
 */
export interface Phase {
  /** Shown in `status$`, logs and the `deployment:phase` state key; unique within a deployment. */
  readonly name: string;
  readonly agent: BaseAgent;
}
