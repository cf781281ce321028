import { isFunctionResponsePart, pendingRequests } from '@rxagents/core';
import { describe, expect, it } from 'vitest';
import { recordingTool, runnerSession } from '../test/support.js';
import { LlmAgent } from './LlmAgent.js';
import { scriptedModel } from './scriptedModel.js';

function setup() {
  const { tool: render, calls: started } = recordingTool({
    name: 'render',
    description: 'Starts a render job',
    arg: 'scene',
    longRunning: true,
    answer: (scene) => ({ status: 'pending', ticket: `job-${scene}` }),
  });
  const model = scriptedModel([
    {
      when: (r) => !r.contents.some((c) => c.parts.some(isFunctionResponsePart)),
      respond: { functionCalls: [{ name: 'render', args: { scene: 'fox' }, id: 'call-1' }] },
    },
    {
      respond: (r) => {
        const parts = r.contents.flatMap((c) => c.parts).filter(isFunctionResponsePart);
        return `rendered: ${JSON.stringify(parts.map((p) => p.functionResponse.response))}`;
      },
    },
  ]);
  const studio = new LlmAgent({ name: 'studio', model, tools: [render] });
  const { run, session } = runnerSession(studio, 'studio');
  return { started, model, run, session };
}

describe('functionTool longRunning', () => {
  it('pauses with the ticket, and the model never sees the interim answer', async () => {
    const s = setup();
    const events = await s.run({ newMessage: 'render a fox' });
    expect(s.started).toEqual(['fox']);
    expect(events.at(-1)?.actions.requestInput).toMatchObject({
      kind: 'longRunning',
      callId: 'call-1',
      payload: { tool: 'render', args: { scene: 'fox' }, ticket: { status: 'pending', ticket: 'job-fox' } },
    });
    expect(s.model.requests).toHaveLength(1);
  });

  it('takes the real result from a function-response message, routed to the agent that made the call', async () => {
    const s = setup();
    await s.run({ newMessage: 'render a fox' });
    const resumed = await s.run({
      newMessage: {
        role: 'user',
        parts: [{ functionResponse: { id: 'call-1', name: 'render', response: { url: 'fox.png' } } }],
      },
    });
    expect(s.started).toEqual(['fox']); // the job was started once
    expect(resumed[0]).toMatchObject({
      author: 'user',
      content: { parts: [{ functionResponse: { id: 'call-1' } }] },
    });
    expect(resumed.at(-1)?.content?.parts[0]).toEqual({ text: 'rendered: [{"url":"fox.png"}]' });
    expect(s.model.requests).toHaveLength(2);
    expect(pendingRequests(s.session())).toEqual([]);
  });

  it('takes the real result as a resume answer too', async () => {
    const s = setup();
    await s.run({ newMessage: 'render a fox' });
    const [pending] = pendingRequests(s.session());
    const resumed = await s.run({ resume: { [pending!.id]: { url: 'fox.png' } } });
    expect(s.started).toEqual(['fox']);
    expect(resumed.at(-1)?.content?.parts[0]).toEqual({ text: 'rendered: [{"url":"fox.png"}]' });
  });
});
