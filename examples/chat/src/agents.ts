import { functionTool, LlmAgent, scriptedModel } from '@rxagents/llm';
import { z } from 'zod';

/**
 * The chat example's assistant: an `LlmAgent` on the scripted model that calls a `get_weather`
 * tool when asked about the weather, then answers; any other message gets a long story streamed
 * word by word (long enough to press Stop in the middle of it).
 */
export function createAssistant(): LlmAgent {
  const model = scriptedModel(
    [
      {
        userText: /weather/i,
        // Asked by the user (a text), not answered by the tool (a function response, also role user).
        when: (request) => request.contents.at(-1)?.parts.some((part) => 'text' in part) === true,
        respond: { functionCalls: [{ name: 'get_weather', args: { city: 'Oslo' } }] },
      },
      { userText: /weather/i, respond: 'It is sunny in Oslo today, 21 degrees.' },
      {
        respond: Array.from({ length: 60 }, (_, i) => `Once upon a time, part ${i + 1}, a fox ran on.`).join(
          ' ',
        ),
      },
    ],
    { chunks: 30, chunkInterval: 60 },
  );
  const getWeather = functionTool({
    name: 'get_weather',
    description: 'The weather of a city',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => ({ city, sky: 'sunny', celsius: 21 }),
  });
  return new LlmAgent({
    name: 'assistant',
    description: 'Answers about the weather, or tells a story',
    model,
    tools: [getWeather],
    stream: true,
  });
}
