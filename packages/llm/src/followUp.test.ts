// The Runner hands the next user message to the agent the conversation was transferred to, as
// ADK's Runner does (`_find_agent_to_run`), when that agent and its ancestors are LLM agents that
// may transfer back up; otherwise to an older author that may (see agentTransfer.test.ts).
import { InMemorySessionService, Runner, SequentialAgent } from '@rxagents/core';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { transferCall } from '../test/support.js';
import { LlmAgent } from './LlmAgent.js';
import { scriptedModel } from './scriptedModel.js';

function helpdesk(billingOptions: { disallowTransferToParent?: boolean } = {}) {
  const model = scriptedModel([
    {
      agent: 'root',
      userText: /invoice/,
      respond: transferCall('billing'),
    },
    { agent: 'root', respond: 'root here' },
    { agent: 'billing', respond: (r) => `billing answers: ${r.contents.length} contents` },
  ]);
  const billing = new LlmAgent({ name: 'billing', description: 'Invoices', model, ...billingOptions });
  const root = new LlmAgent({ name: 'root', model, subAgents: [billing] });
  const runner = new Runner({ appName: 'desk', agent: root, sessionService: new InMemorySessionService() });
  const say = (newMessage: string) =>
    lastValueFrom(runner.run({ userId: 'u', sessionId: 's', newMessage }).pipe(toArray()));
  return { model, say };
}

describe('Runner follow-ups after a transfer', () => {
  it('gives the next message to the agent the conversation was transferred to', async () => {
    const { model, say } = helpdesk();
    const first = await say('my invoice is wrong');
    expect(first.map((e) => `${e.author}@${e.branch}`)).toEqual([
      'root@root',
      'root@root',
      'billing@root.billing',
    ]);
    const second = await say('and the one before');
    // billing answers directly, on the branch it had under root; root is not asked again.
    expect(second.map((e) => `${e.author}@${e.branch}`)).toEqual(['billing@root.billing']);
    expect(model.requests.map((r) => r.agentName)).toEqual(['root', 'billing', 'billing']);
  });

  it('passes over the agent spoken to last when it may not transfer back up, to the root before it', async () => {
    const { model, say } = helpdesk({ disallowTransferToParent: true });
    await say('my invoice is wrong');
    const second = await say('thanks');
    expect(second.map((e) => e.author)).toEqual(['root']);
    expect(model.requests.map((r) => r.agentName)).toEqual(['root', 'billing', 'root']);
  });

  it('runs a workflow from its root on every message, whoever spoke last', async () => {
    const model = scriptedModel([{ respond: 'ok' }]);
    const a = new LlmAgent({ name: 'a', model });
    const b = new LlmAgent({ name: 'b', model });
    const flow = new SequentialAgent({ name: 'flow', subAgents: [a, b] });
    const runner = new Runner({ appName: 'wf', agent: flow });
    for (const message of ['one', 'two']) {
      const events = await lastValueFrom(
        runner.run({ userId: 'u', sessionId: 's', newMessage: message }).pipe(toArray()),
      );
      expect(events.map((e) => e.author)).toEqual(['a', 'b']);
    }
  });
});
