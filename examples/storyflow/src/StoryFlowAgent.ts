import { BaseAgent, type Event, type InvocationContext } from '@rxagents/core';
import type { LlmAgent } from '@rxagents/llm';
import { concat, defer, EMPTY, type Observable } from 'rxjs';
import { isNegative, type StoryAgents } from './storyAgents.js';

/**
 * StoryFlow as a custom agent, mirroring ADK Java's `StoryFlowAgent`: generate, refine, check,
 * and regenerate when the tone came out negative. `concat` runs the steps in order; `defer`
 * reads the state only after the checks committed their writes.
 */
export class StoryFlowAgent extends BaseAgent {
  private readonly storyGenerator: LlmAgent;
  private readonly refine: BaseAgent;
  private readonly checks: BaseAgent;

  constructor(name: string, agents: StoryAgents) {
    super({ name, subAgents: [agents.storyGenerator, agents.refine, agents.checks] });
    this.storyGenerator = agents.storyGenerator;
    this.refine = agents.refine;
    this.checks = agents.checks;
  }

  protected runAsyncImpl(ctx: InvocationContext): Observable<Event> {
    return concat(
      this.storyGenerator.runAsync(ctx),
      this.refine.runAsync(ctx),
      this.checks.runAsync(ctx),
      defer(() => (isNegative(ctx.state.snapshot()) ? this.storyGenerator.runAsync(ctx) : EMPTY)),
    );
  }
}
