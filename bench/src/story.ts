/**
 * The StoryFlow agents of W4's `LlmAgent` variant (instructions after ADK's sample), with the reply
 * each gets from the fake instant model: one table for the rxagents and the ADK side, so that
 * both ask the same questions and get the same answers.
 */
export interface StoryAgentSpec {
  readonly name: string;
  readonly instruction: string;
  readonly outputKey: string;
  readonly reply: string;
}

export const STORY_AGENTS = {
  generator: {
    name: 'story_generator',
    instruction:
      'You are a story writer. Write a short story about this topic: {topic}. Output only the story.',
    outputKey: 'current_story',
    reply: 'Once upon a time, a fox.',
  },
  critic: {
    name: 'critic',
    instruction:
      'You are a story critic. Review this story:\n\n{current_story}\n\nGive 1-2 sentences of criticism.',
    outputKey: 'criticism',
    reply: 'too short',
  },
  reviser: {
    name: 'reviser',
    instruction:
      'You are a story reviser. Revise this story:\n\n{current_story}\n\nbased on this criticism:\n\n{criticism}\n\nOutput only the revised story.',
    outputKey: 'current_story',
    reply: 'Once upon a time, a fox. More.',
  },
  grammar: {
    name: 'grammar_check',
    instruction: 'You are a grammar checker. Check the grammar of this story:\n\n{current_story}',
    outputKey: 'grammar_suggestions',
    reply: 'Grammar is good!',
  },
  tone: {
    name: 'tone_check',
    instruction:
      "You are a tone analyzer. Analyze the tone of this story:\n\n{current_story}\n\nOutput only one word: 'positive', 'negative' or 'neutral'.",
    outputKey: 'tone_check_result',
    reply: 'negative',
  },
  regenerator: {
    name: 'regenerator',
    instruction: 'You are a story writer. Write a happier story about this topic: {topic}.',
    outputKey: 'current_story',
    reply: 'A happier fox.',
  },
} as const satisfies Record<string, StoryAgentSpec>;

/**
 * The reply to a filled-in system instruction: that of the agent whose template's text before its
 * first placeholder it contains (unique for each agent above). For a model that is not told the
 * asking agent's name (ADK's `BaseLlm`).
 */
export function storyReply(systemInstruction: string): string {
  for (const spec of Object.values(STORY_AGENTS)) {
    if (systemInstruction.includes(spec.instruction.slice(0, spec.instruction.indexOf('{'))))
      return spec.reply;
  }
  return '';
}
