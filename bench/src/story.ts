/** The StoryFlow instructions (ADK's sample), shared by the rxagents and ADK `LlmAgent` variants of W4. */
export const STORY_INSTRUCTIONS = {
  generator: 'You are a story writer. Write a short story about this topic: {topic}. Output only the story.',
  critic: 'You are a story critic. Review this story:\n\n{current_story}\n\nGive 1-2 sentences of criticism.',
  reviser:
    'You are a story reviser. Revise this story:\n\n{current_story}\n\nbased on this criticism:\n\n{criticism}\n\nOutput only the revised story.',
  grammar: 'You are a grammar checker. Check the grammar of this story:\n\n{current_story}',
  tone: "You are a tone analyzer. Analyze the tone of this story:\n\n{current_story}\n\nOutput only one word: 'positive', 'negative' or 'neutral'.",
  regenerator: 'You are a story writer. Write a happier story about this topic: {topic}.',
} as const;
