import { andThen, type BaseAgent, sequence, when } from '@rxagents/core';
import type { Model } from '@rxagents/llm';
import { StoryFlowAgent } from './StoryFlowAgent.js';
import { isNegative, storyAgents } from './storyAgents.js';

/** StoryFlow as a `BaseAgent` subclass (the ADK Java shape). */
export function storyFlowClass(model: Model, stream = true): BaseAgent {
  return new StoryFlowAgent('story_flow', storyAgents(model, stream));
}

/**
 * StoryFlow as a pipe of agent operators. Operators are branch-transparent, so this emits the
 * same events, on the same branches, as {@link storyFlowClass}.
 */
export function storyFlowPipe(model: Model, stream = true): BaseAgent {
  const { storyGenerator, refine, checks } = storyAgents(model, stream);
  return sequence('story_flow', [
    storyGenerator.pipe(andThen(refine), andThen(checks), when(isNegative, storyGenerator)),
  ]);
}
