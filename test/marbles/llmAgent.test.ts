import { sequence, timeout } from '@rxagents/core';
import { functionTool, LlmAgent } from '@rxagents/llm';
import { expectAgent, marbleModel } from '@rxagents/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const weather = functionTool({
  name: 'weather',
  description: 'The sky over a city',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, sky: 'clear' }),
});

describe('LlmAgent with a marble model (virtual time)', () => {
  it('streams the answer after the model latency and stores the complete text under outputKey', () => {
    const model = marbleModel('--a-b|', { a: 'Fox ', b: 'wins' });
    const writer = new LlmAgent({ name: 'writer', model, stream: true, outputKey: 'headline' });
    expectAgent(writer, { userContent: 'a headline, please' })
      .toEmit('--a-b(h|)', {
        a: { branch: 'writer', content: 'Fox ', partial: true },
        b: { branch: 'writer', content: 'wins', partial: true },
        h: { branch: 'writer', content: 'Fox wins', stateDelta: { headline: 'Fox wins' } },
      })
      .toHaveFinalState({ headline: 'Fox wins' });
    expect(model.calls).toMatchObject([{ at: 0, stream: true, request: { agentName: 'writer' } }]);
  });

  it('runs a tool between two model calls, each answering on its own timeline', () => {
    const model = marbleModel(['-(t|)', '-----(a|)'], {
      t: {
        content: { role: 'model', parts: [{ functionCall: { name: 'weather', args: { city: 'Paris' } } }] },
      },
      a: 'clear in Paris',
    });
    const forecaster = new LlmAgent({ name: 'forecaster', model, tools: [weather] });
    expectAgent(forecaster, { userContent: 'weather in Paris?' }).toEmit('-(cr)-(a|)', {
      c: {
        branch: 'forecaster',
        content: {
          role: 'model',
          parts: [{ functionCall: { name: 'weather', args: { city: 'Paris' }, id: 'call_e3' } }],
        },
      },
      r: {
        branch: 'forecaster',
        content: {
          role: 'user',
          parts: [
            {
              functionResponse: { id: 'call_e3', name: 'weather', response: { city: 'Paris', sky: 'clear' } },
            },
          ],
        },
      },
      a: { branch: 'forecaster', content: 'clear in Paris' },
    });
    expect(model.calls.map((call) => call.at)).toEqual([0, 1]);
  });

  it('a model slower than the timeout fails the agent at the deadline and aborts the call', () => {
    const model = marbleModel('10s (a|)', { a: 'too late' });
    const slow = new LlmAgent({ name: 'slow', model }).pipe(timeout(2_000));
    expectAgent(sequence('flow', [slow]))
      .toEmit('2s #', {}, { code: 'AGENT_TIMEOUT' })
      .toHaveNoPendingTimers();
    expect(model.calls[0]?.signal.aborted).toBe(true);
  });

  it('unsubscribing mid-stream aborts the model call and commits nothing', () => {
    const model = marbleModel('--a---b|', { a: 'Once ', b: 'upon' });
    const writer = new LlmAgent({ name: 'writer', model, stream: true });
    expectAgent(writer)
      .unsubscribeAt('----!')
      .toEmit('--a', { a: { branch: 'writer', content: 'Once ', partial: true } })
      .toHaveCommitted([])
      .toHaveNoPendingTimers();
    expect(model.calls[0]?.signal.aborted).toBe(true);
  });
});
