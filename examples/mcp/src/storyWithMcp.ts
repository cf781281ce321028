import { fileURLToPath } from 'node:url';
import { SequentialAgent } from '@rxagents/core';
import { LlmAgent, scriptedModel } from '@rxagents/llm';
import { type McpToolset, mcpToolset } from '@rxagents/mcp';

/** The thesaurus MCP server (thesaurusServer.ts) as a toolset: Node runs it through tsx, over stdio. */
export function thesaurus(): McpToolset {
  return mcpToolset({
    name: 'thesaurus',
    transport: {
      command: process.execPath,
      args: ['--import', 'tsx', fileURLToPath(new URL('./thesaurusServer.ts', import.meta.url))],
    },
    timeoutMillis: 10_000,
  });
}

/**
 * A StoryFlow-like pipeline, offline on a scripted model: the story generator looks a word up in
 * the MCP thesaurus before writing, and a critic reviews the story. With a real model, the model
 * would choose the call; here the script does.
 */
export function storyFlow(toolset: McpToolset): SequentialAgent {
  const model = scriptedModel([
    {
      agent: 'story_generator',
      respond: [
        { functionCalls: [{ name: 'synonyms', args: { word: 'brave' } }] },
        { text: 'A valiant fox crossed the shadowy wood to bring back the lantern.' },
      ],
    },
    { agent: 'critic', respond: 'Vivid words; the ending could be longer.' },
  ]);
  const storyGenerator = new LlmAgent({
    name: 'story_generator',
    model,
    instruction: 'Write a short story about {topic}. Look up synonyms to vary the words.',
    tools: [toolset],
    outputKey: 'current_story',
  });
  const critic = new LlmAgent({
    name: 'critic',
    model,
    instruction: 'Review the story: {current_story}',
    outputKey: 'criticism',
  });
  return new SequentialAgent({ name: 'story_flow', subAgents: [storyGenerator, critic] });
}
