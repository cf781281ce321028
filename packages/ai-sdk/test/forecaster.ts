import { functionTool, LlmAgent, scriptedModel } from '@rxagents/llm';
import { z } from 'zod';

/**
 * A streaming agent that calls a `get_weather` tool once, then answers in text (in three chunks):
 * the one run that exercises every part of the UI message stream (text, tool call, tool output).
 * Shared by the ai-sdk stream tests and the server's chat endpoint tests.
 */
export function forecaster(
  options: { readonly outputKey?: string; readonly userText?: RegExp } = {},
): LlmAgent {
  const model = scriptedModel(
    [
      {
        ...(options.userText === undefined ? {} : { userText: options.userText }),
        when: (r) => r.contents.length === 1,
        respond: { functionCalls: [{ name: 'get_weather', args: { city: 'Oslo' } }] },
      },
      { respond: 'It is sunny in Oslo today.' },
    ],
    { chunks: 3 },
  );
  const getWeather = functionTool({
    name: 'get_weather',
    description: 'Weather of a city',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => ({ city, sky: 'sunny' }),
  });
  return new LlmAgent({
    name: 'forecaster',
    model,
    tools: [getWeather],
    stream: true,
    ...(options.outputKey === undefined ? {} : { outputKey: options.outputKey }),
  });
}
