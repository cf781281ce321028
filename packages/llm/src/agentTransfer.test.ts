// ADK Python's tests/unittests/flows/llm_flows/test_agent_transfer.py (ADK Java's
// AgentTransferTest has the same cases), ported: one model answers every agent in order, as ADK's
// MockModel does, and two messages go through one Runner. "auto" is an LlmAgent that may transfer
// anywhere, "single" one with disallowTransferToParent and disallowTransferToPeers.
import {
  type BaseAgent,
  type Event,
  InMemorySessionService,
  LoopAgent,
  Runner,
  SequentialAgent,
} from '@rxagents/core';
import { lastValueFrom, NEVER } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runnerSession } from '../test/support.js';
import { exitLoopTool } from './exitLoopTool.js';
import { functionTool } from './functionTool.js';
import { LlmAgent, type LlmAgentOptions } from './LlmAgent.js';
import type { Model } from './Model.js';
import { type ScriptedReply, scriptedModel } from './scriptedModel.js';

const transfer = (agentName: string): ScriptedReply => ({
  functionCalls: [{ name: 'transfer_to_agent', args: { agent_name: agentName } }],
});
const exitLoopCall: ScriptedReply = { functionCalls: [{ name: 'exit_loop' }] };

// The tool of ADK's test (and of ADK Java's AgentTransferTest.ExitLoopTool): it only escalates.
const escalateOnly = functionTool({
  name: 'exit_loop',
  description: 'Exits the loop.',
  parameters: z.object({}),
  execute: (_args, tool) => {
    tool.escalate();
    return {};
  },
});

// (author, what it said) as ADK's testing_utils.simplify_events gives them.
function simplify(events: readonly Event[]): [string, string][] {
  return events.map((event) => {
    const part = event.content?.parts[0];
    const what =
      part === undefined
        ? ''
        : 'functionCall' in part
          ? `call ${part.functionCall.name} ${JSON.stringify(part.functionCall.args)}`
          : 'functionResponse' in part
            ? `response ${part.functionResponse.name}`
            : part.text;
    return [event.author, what];
  });
}

function mockRunner(root: BaseAgent) {
  const { run } = runnerSession(root, 'transfer');
  return (newMessage: string) => run({ newMessage }).then(simplify);
}

function agents(replies: readonly ScriptedReply[]) {
  const model = scriptedModel([{ respond: replies }]);
  const auto = (name: string, options: Partial<LlmAgentOptions> = {}) =>
    new LlmAgent({ name, model, ...options });
  const single = (name: string, options: Partial<LlmAgentOptions> = {}) =>
    auto(name, { disallowTransferToParent: true, disallowTransferToPeers: true, ...options });
  return { model, auto, single };
}

const TRANSFERRED = (from: string, to: string): [string, string][] => [
  [from, `call transfer_to_agent {"agent_name":"${to}"}`],
  [from, 'response transfer_to_agent'],
];

describe('agent transfer (ADK test_agent_transfer.py)', () => {
  it('auto → auto: the next message goes to the sub-agent (test_auto_to_auto)', async () => {
    const { auto } = agents([transfer('sub_agent_1'), 'response1', 'response2']);
    const run = mockRunner(auto('root_agent', { subAgents: [auto('sub_agent_1')] }));
    expect(await run('test1')).toEqual([
      ...TRANSFERRED('root_agent', 'sub_agent_1'),
      ['sub_agent_1', 'response1'],
    ]);
    expect(await run('test2')).toEqual([['sub_agent_1', 'response2']]);
  });

  it('auto → single: the next message goes to the root (test_auto_to_single)', async () => {
    const { auto, single } = agents([transfer('sub_agent_1'), 'response1', 'response2']);
    const run = mockRunner(auto('root_agent', { subAgents: [single('sub_agent_1')] }));
    expect(await run('test1')).toEqual([
      ...TRANSFERRED('root_agent', 'sub_agent_1'),
      ['sub_agent_1', 'response1'],
    ]);
    expect(await run('test2')).toEqual([['root_agent', 'response2']]);
  });

  it('auto → auto → single: the next message goes to the middle agent (test_auto_to_auto_to_single)', async () => {
    const { auto, single } = agents([
      transfer('sub_agent_1'),
      transfer('sub_agent_1_1'),
      'response1',
      'response2',
    ]);
    const run = mockRunner(
      auto('root_agent', { subAgents: [auto('sub_agent_1', { subAgents: [single('sub_agent_1_1')] })] }),
    );
    expect(await run('test1')).toEqual([
      ...TRANSFERRED('root_agent', 'sub_agent_1'),
      ...TRANSFERRED('sub_agent_1', 'sub_agent_1_1'),
      ['sub_agent_1_1', 'response1'],
    ]);
    // sub_agent_1_1 may not take it (the conversation would be tied to it forever); the agent
    // that spoke before it may.
    expect(await run('test2')).toEqual([['sub_agent_1', 'response2']]);
  });

  it('auto → sequential: the next message goes to the root (test_auto_to_sequential)', async () => {
    const { auto, single } = agents([transfer('sub_agent_1'), 'response1', 'response2', 'response3']);
    const seq = new SequentialAgent({
      name: 'sub_agent_1',
      subAgents: [single('sub_agent_1_1'), single('sub_agent_1_2')],
    });
    const run = mockRunner(auto('root_agent', { subAgents: [seq] }));
    expect(await run('test1')).toEqual([
      ...TRANSFERRED('root_agent', 'sub_agent_1'),
      ['sub_agent_1_1', 'response1'],
      ['sub_agent_1_2', 'response2'],
    ]);
    expect(await run('test2')).toEqual([['root_agent', 'response3']]);
  });

  it('auto → sequential → auto: the next message goes to the root (test_auto_to_sequential_to_auto)', async () => {
    const { auto, single } = agents([
      transfer('sub_agent_1'),
      'response1',
      transfer('sub_agent_1_2_1'),
      'response2',
      'response3',
      'response4',
    ]);
    const seq = new SequentialAgent({
      name: 'sub_agent_1',
      subAgents: [
        single('sub_agent_1_1'),
        auto('sub_agent_1_2', { subAgents: [auto('sub_agent_1_2_1')] }),
        single('sub_agent_1_3'),
      ],
    });
    const run = mockRunner(auto('root_agent', { subAgents: [seq] }));
    expect(await run('test1')).toEqual([
      ...TRANSFERRED('root_agent', 'sub_agent_1'),
      ['sub_agent_1_1', 'response1'],
      ...TRANSFERRED('sub_agent_1_2', 'sub_agent_1_2_1'),
      ['sub_agent_1_2_1', 'response2'],
      ['sub_agent_1_3', 'response3'],
    ]);
    expect(await run('test2')).toEqual([['root_agent', 'response4']]);
  });

  it('auto → loop that an escalate-only tool exits: the root answers after the loop (test_auto_to_loop)', async () => {
    const { model, auto, single } = agents([
      transfer('sub_agent_1'),
      'response1',
      'response2',
      'response3',
      exitLoopCall,
      'response4',
      'response5',
    ]);
    const loop = new LoopAgent({
      name: 'sub_agent_1',
      subAgents: [single('sub_agent_1_1'), single('sub_agent_1_2', { tools: [escalateOnly] })],
    });
    const run = mockRunner(auto('root_agent', { subAgents: [loop] }));
    expect(await run('test1')).toEqual([
      ...TRANSFERRED('root_agent', 'sub_agent_1'),
      ['sub_agent_1_1', 'response1'],
      ['sub_agent_1_2', 'response2'],
      ['sub_agent_1_1', 'response3'],
      ['sub_agent_1_2', 'call exit_loop {}'],
      ['sub_agent_1_2', 'response exit_loop'],
      // The loop's last event is a function response, not a final answer: the agent that
      // transferred takes another turn, and sees the loop's work.
      ['root_agent', 'response4'],
    ]);
    expect(model.requests[5]!.agentName).toBe('root_agent');
    expect(JSON.stringify(model.requests[5]!.contents)).toContain('[sub_agent_1_1] said: response3');
    expect(await run('test2')).toEqual([['root_agent', 'response5']]);
  });

  it('auto → loop that exitLoopTool exits: the turn ends on its response, which skips summarisation', async () => {
    const { model, auto, single } = agents([transfer('sub_agent_1'), 'response1', exitLoopCall, 'response2']);
    const loop = new LoopAgent({
      name: 'sub_agent_1',
      subAgents: [single('sub_agent_1_1'), single('sub_agent_1_2', { tools: [exitLoopTool] })],
    });
    const run = mockRunner(auto('root_agent', { subAgents: [loop] }));
    expect(await run('test1')).toEqual([
      ...TRANSFERRED('root_agent', 'sub_agent_1'),
      ['sub_agent_1_1', 'response1'],
      ['sub_agent_1_2', 'call exit_loop {}'],
      ['sub_agent_1_2', 'response exit_loop'],
    ]);
    expect(model.requests).toHaveLength(3);
    expect(await run('test2')).toEqual([['root_agent', 'response2']]);
  });

  it("tears down the transferring agent's extra turn on unsubscribe: its model call is aborted, nothing more is committed", async () => {
    const { model: scripted, single } = agents([transfer('loop'), exitLoopCall]);
    const signals: AbortSignal[] = [];
    // The root's second call (its extra turn) never answers.
    const model: Model = {
      name: 'hangs-on-the-extra-turn',
      generate: (request, options) => {
        if (request.agentName === 'root_agent' && signals.length > 0) {
          signals.push(options.signal);
          return NEVER;
        }
        if (request.agentName === 'root_agent') signals.push(options.signal);
        return scripted.generate(request, options);
      },
    };
    const loop = new LoopAgent({ name: 'loop', subAgents: [single('worker', { tools: [escalateOnly] })] });
    const root = new LlmAgent({ name: 'root_agent', model, subAgents: [loop] });
    const sessionService = new InMemorySessionService();
    const runner = new Runner({ appName: 'transfer', agent: root, sessionService });
    const seen: Event[] = [];
    const subscription = runner
      .run({ userId: 'u', sessionId: 's', newMessage: 'go' })
      .subscribe((e) => seen.push(e));
    // Everything before the extra turn is synchronous (no latency, in-memory store).
    expect(signals).toHaveLength(2);
    expect(signals[1]!.aborted).toBe(false);
    subscription.unsubscribe();
    expect(signals[1]!.aborted).toBe(true);
    const session = await lastValueFrom(
      sessionService.getSession({ appName: 'transfer', userId: 'u', sessionId: 's' }),
    );
    expect(simplify(seen)).toEqual([
      ...TRANSFERRED('root_agent', 'loop'),
      ['worker', 'call exit_loop {}'],
      ['worker', 'response exit_loop'],
    ]);
    expect(session!.events.map((e) => e.author)).toEqual([
      'user',
      'root_agent',
      'root_agent',
      'worker',
      'worker',
    ]);
  });
});
