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
import { runnerSession, transferCall } from '../test/support.js';
import { exitLoopTool } from './exitLoopTool.js';
import { functionTool } from './functionTool.js';
import { LlmAgent, type LlmAgentOptions } from './LlmAgent.js';
import type { Model } from './Model.js';
import { type ScriptedModel, type ScriptedReply, scriptedModel } from './scriptedModel.js';
import type { Tool } from './Tool.js';

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
  // The loop sub_agent_1 of sub_agent_1_1 and sub_agent_1_2, which holds the tool that ends the
  // loop: the sub-tree of ADK's loop tests.
  const loopExitedBy = (exitTool: Tool) =>
    new LoopAgent({
      name: 'sub_agent_1',
      subAgents: [single('sub_agent_1_1'), single('sub_agent_1_2', { tools: [exitTool] })],
    });
  return { model, auto, single, loopExitedBy };
}

const TRANSFERRED = (from: string, to: string): [string, string][] => [
  [from, `call transfer_to_agent {"agent_name":"${to}"}`],
  [from, 'response transfer_to_agent'],
];

// One ADK case: the model's replies in order, the tree built from them, and the simplified events
// of the first and the second message (with, for the loop cases, what the model was sent).
interface TransferCase {
  readonly name: string;
  /** The model's replies after root_agent's transfer to sub_agent_1. */
  readonly replies: readonly ScriptedReply[];
  /** sub_agent_1, the one sub-agent of root_agent (an auto agent), and what is below it. */
  readonly sub: (made: ReturnType<typeof agents>) => BaseAgent;
  /** The first message's events after the transfer's call and response. */
  readonly first: readonly [string, string][];
  /** What the case checks of the model's requests after the first message, if anything. */
  readonly afterFirst?: (model: ScriptedModel) => void;
  readonly second: readonly [string, string][];
}

describe('agent transfer (ADK test_agent_transfer.py)', () => {
  // ADK's cases differ only in data: the replies of the one model, the tree, and what each of the
  // two messages gives. Each is root_agent over sub_agent_1 and opens with root_agent transferring
  // to it; the table holds what is below sub_agent_1 and what follows the transfer.
  it.each<TransferCase>([
    {
      name: 'auto → auto: the next message goes to the sub-agent (test_auto_to_auto)',
      replies: ['response1', 'response2'],
      sub: ({ auto }) => auto('sub_agent_1'),
      first: [['sub_agent_1', 'response1']],
      second: [['sub_agent_1', 'response2']],
    },
    {
      name: 'auto → single: the next message goes to the root (test_auto_to_single)',
      replies: ['response1', 'response2'],
      sub: ({ single }) => single('sub_agent_1'),
      first: [['sub_agent_1', 'response1']],
      second: [['root_agent', 'response2']],
    },
    {
      name: 'auto → auto → single: the next message goes to the middle agent (test_auto_to_auto_to_single)',
      replies: [transferCall('sub_agent_1_1'), 'response1', 'response2'],
      sub: ({ auto, single }) => auto('sub_agent_1', { subAgents: [single('sub_agent_1_1')] }),
      first: [...TRANSFERRED('sub_agent_1', 'sub_agent_1_1'), ['sub_agent_1_1', 'response1']],
      // sub_agent_1_1 may not take it (the conversation would be tied to it forever); the agent
      // that spoke before it may.
      second: [['sub_agent_1', 'response2']],
    },
    {
      name: 'auto → sequential: the next message goes to the root (test_auto_to_sequential)',
      replies: ['response1', 'response2', 'response3'],
      sub: ({ single }) =>
        new SequentialAgent({
          name: 'sub_agent_1',
          subAgents: [single('sub_agent_1_1'), single('sub_agent_1_2')],
        }),
      first: [
        ['sub_agent_1_1', 'response1'],
        ['sub_agent_1_2', 'response2'],
      ],
      second: [['root_agent', 'response3']],
    },
    {
      name: 'auto → sequential → auto: the next message goes to the root (test_auto_to_sequential_to_auto)',
      replies: ['response1', transferCall('sub_agent_1_2_1'), 'response2', 'response3', 'response4'],
      sub: ({ auto, single }) =>
        new SequentialAgent({
          name: 'sub_agent_1',
          subAgents: [
            single('sub_agent_1_1'),
            auto('sub_agent_1_2', { subAgents: [auto('sub_agent_1_2_1')] }),
            single('sub_agent_1_3'),
          ],
        }),
      first: [
        ['sub_agent_1_1', 'response1'],
        ...TRANSFERRED('sub_agent_1_2', 'sub_agent_1_2_1'),
        ['sub_agent_1_2_1', 'response2'],
        ['sub_agent_1_3', 'response3'],
      ],
      second: [['root_agent', 'response4']],
    },
    {
      name: 'auto → loop that an escalate-only tool exits: the root answers after the loop (test_auto_to_loop)',
      replies: ['response1', 'response2', 'response3', exitLoopCall, 'response4', 'response5'],
      sub: ({ loopExitedBy }) => loopExitedBy(escalateOnly),
      first: [
        ['sub_agent_1_1', 'response1'],
        ['sub_agent_1_2', 'response2'],
        ['sub_agent_1_1', 'response3'],
        ['sub_agent_1_2', 'call exit_loop {}'],
        ['sub_agent_1_2', 'response exit_loop'],
        // The loop's last event is a function response, not a final answer: the agent that
        // transferred takes another turn, and sees the loop's work.
        ['root_agent', 'response4'],
      ],
      afterFirst: (model) => {
        expect(model.requests[5]!.agentName).toBe('root_agent');
        expect(JSON.stringify(model.requests[5]!.contents)).toContain('[sub_agent_1_1] said: response3');
      },
      second: [['root_agent', 'response5']],
    },
    {
      name: 'auto → loop that exitLoopTool exits: the turn ends on its response, which skips summarisation',
      replies: ['response1', exitLoopCall, 'response2'],
      sub: ({ loopExitedBy }) => loopExitedBy(exitLoopTool),
      first: [
        ['sub_agent_1_1', 'response1'],
        ['sub_agent_1_2', 'call exit_loop {}'],
        ['sub_agent_1_2', 'response exit_loop'],
      ],
      afterFirst: (model) => expect(model.requests).toHaveLength(3),
      second: [['root_agent', 'response2']],
    },
  ])('$name', async ({ replies, sub, first, afterFirst, second }) => {
    const made = agents([transferCall('sub_agent_1'), ...replies]);
    const run = mockRunner(made.auto('root_agent', { subAgents: [sub(made)] }));
    expect(await run('test1')).toEqual([...TRANSFERRED('root_agent', 'sub_agent_1'), ...first]);
    afterFirst?.(made.model);
    expect(await run('test2')).toEqual(second);
  });

  it("tears down the transferring agent's extra turn on unsubscribe: its model call is aborted, nothing more is committed", async () => {
    const { model: scripted, single } = agents([transferCall('loop'), exitLoopCall]);
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
