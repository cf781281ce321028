import { LoopAgent, SequentialAgent, type State } from '@rxagents/core';
import { LlmAgent, type Model } from '@rxagents/llm';

/** The five model-backed agents of StoryFlow and the two workflow agents around them. */
export interface StoryAgents {
  readonly storyGenerator: LlmAgent;
  /** critic → reviser, twice (ADK's `CriticReviserLoop`). */
  readonly refine: LoopAgent;
  /** grammar_check → tone_check (ADK's `PostProcessing`). */
  readonly checks: SequentialAgent;
}

/**
 * Builds a fresh set of StoryFlow agents on `model` (an agent has one parent, so each flow needs
 * its own). Instructions follow ADK's StoryFlow sample, with state read through `{key}` templates.
 */
export function storyAgents(model: Model, stream = true): StoryAgents {
  const storyGenerator = new LlmAgent({
    name: 'story_generator',
    description: 'Writes the first draft of the story.',
    model,
    stream,
    instruction:
      'You are a story writer. Write a short story (around 100 words) about this topic: {topic}. ' +
      'Output only the story.',
    outputKey: 'current_story',
  });
  const critic = new LlmAgent({
    name: 'critic',
    description: 'Criticises the story.',
    model,
    stream,
    instruction:
      'You are a story critic. Review this story:\n\n{current_story}\n\n' +
      'Give 1-2 sentences of constructive criticism on how to improve it. Focus on plot or character.',
    outputKey: 'criticism',
  });
  const reviser = new LlmAgent({
    name: 'reviser',
    description: 'Revises the story from the criticism.',
    model,
    stream,
    instruction:
      'You are a story reviser. Revise this story:\n\n{current_story}\n\n' +
      'based on this criticism:\n\n{criticism}\n\nOutput only the revised story.',
    outputKey: 'current_story',
  });
  const grammarCheck = new LlmAgent({
    name: 'grammar_check',
    description: 'Suggests grammar corrections.',
    model,
    stream,
    instruction:
      'You are a grammar checker. Check the grammar of this story:\n\n{current_story}\n\n' +
      "Output only the suggested corrections as a list, or 'Grammar is good!' if there are no errors.",
    outputKey: 'grammar_suggestions',
  });
  const toneCheck = new LlmAgent({
    name: 'tone_check',
    description: 'Classifies the tone of the story.',
    model,
    stream: false,
    instruction:
      'You are a tone analyzer. Analyze the tone of this story:\n\n{current_story}\n\n' +
      "Output only one word: 'positive' if the tone is generally positive, 'negative' if it is " +
      "generally negative, or 'neutral' otherwise.",
    outputKey: 'tone_check_result',
  });
  return {
    storyGenerator,
    refine: new LoopAgent({ name: 'refine', subAgents: [critic, reviser], maxIterations: 2 }),
    checks: new SequentialAgent({ name: 'checks', subAgents: [grammarCheck, toneCheck] }),
  };
}

/** Whether the tone check found the story negative (the condition for regenerating it). */
export function isNegative(state: State): boolean {
  const tone = state.tone_check_result;
  return typeof tone === 'string' && tone.trim().toLowerCase() === 'negative';
}
