import { describe, expect, it } from 'vitest';
import { toSdkCall } from './toSdkCall.js';

describe('toSdkCall', () => {
  it('pairs calls and responses without ids by name, oldest first', () => {
    const call = toSdkCall({
      agentName: 'a',
      contents: [
        { role: 'user', parts: [{ text: 'two cities' }] },
        {
          role: 'model',
          parts: [
            { text: 'checking', thought: true },
            { functionCall: { name: 'weather', args: { city: 'Oslo' } } },
            { functionCall: { name: 'weather', args: { city: 'Rome' } } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'weather', response: { city: 'Oslo' } } },
            { functionResponse: { name: 'weather', response: { city: 'Rome' } } },
          ],
        },
      ],
    });

    expect(call.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'two cities' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'checking' },
          { type: 'tool-call', toolCallId: 'weather_0', toolName: 'weather', input: { city: 'Oslo' } },
          { type: 'tool-call', toolCallId: 'weather_1', toolName: 'weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'weather_0',
            toolName: 'weather',
            output: { type: 'json', value: { city: 'Oslo' } },
          },
          {
            type: 'tool-result',
            toolCallId: 'weather_1',
            toolName: 'weather',
            output: { type: 'json', value: { city: 'Rome' } },
          },
        ],
      },
    ]);
  });

  it('maps config to call settings and leaves tools undefined when none are declared', () => {
    const call = toSdkCall({
      agentName: 'a',
      contents: [],
      tools: [],
      config: { temperature: 0, topP: 0.9, stopSequences: ['END'], maxOutputTokens: 10 },
    });
    expect(call.settings).toEqual({ temperature: 0, topP: 0.9, stopSequences: ['END'], maxOutputTokens: 10 });
    expect(call.tools).toBeUndefined();
    expect(call.system).toBeUndefined();
  });
});
