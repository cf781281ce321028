import { andThen, type BaseAgent, END, graph, sequence, when } from '@rxagents/core';
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

/**
 * StoryFlow as a graph: the same agents as nodes, the regeneration as a route back to the story
 * generator, whose second run ends the flow. Nodes are keyed by their agents' names, so every
 * event lands on the branch it has in the other two forms.
 */
export function storyFlowGraph(model: Model, stream = true): BaseAgent {
  const { storyGenerator, refine, checks } = storyAgents(model, stream);
  return graph('story_flow', {
    nodes: { story_generator: storyGenerator, refine, checks },
    start: 'story_generator',
    edges: [
      { from: 'story_generator', route: (_state, _ctx, run) => (run === 1 ? 'refine' : END) },
      { from: 'refine', to: 'checks' },
      { from: 'checks', route: (state) => (isNegative(state) ? 'story_generator' : END) },
    ],
  });
}
