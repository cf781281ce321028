import { type Event, InvalidAnswerError, isFunctionResponsePart, pendingRequests } from '@rxagents/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runnerSession } from '../test/support.js';
import { functionTool } from './functionTool.js';
import { LlmAgent } from './LlmAgent.js';
import type { LlmRequest } from './Model.js';
import { scriptedModel } from './scriptedModel.js';

// The last function responses the model was sent, by tool name.
function lastResponses(request: LlmRequest | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const content of request?.contents ?? [])
    for (const part of content.parts)
      if (isFunctionResponsePart(part)) out[part.functionResponse.name] = part.functionResponse.response;
  return out;
}

function bank(options: { calls: readonly { name: string; args: Record<string, number> }[] }) {
  const executed: string[] = [];
  const transfer = functionTool({
    name: 'transfer',
    description: 'Moves money',
    parameters: z.object({ amount: z.number() }),
    requireConfirmation: ({ amount }) => amount > 100,
    execute: ({ amount }) => {
      executed.push(`transfer ${amount}`);
      return { moved: amount };
    },
  });
  const balance = functionTool({
    name: 'balance',
    description: 'Reads the balance',
    parameters: z.object({}),
    execute: () => {
      executed.push('balance');
      return { balance: 1000 };
    },
  });
  const model = scriptedModel([
    {
      when: (r) => !r.contents.some((c) => c.parts.some(isFunctionResponsePart)),
      respond: { functionCalls: options.calls },
    },
    { respond: (r) => `done: ${JSON.stringify(lastResponses(r))}` },
  ]);
  const teller = new LlmAgent({ name: 'teller', model, tools: [transfer, balance] });
  const { run, session } = runnerSession(teller, 'bank');
  return { executed, model, run, session };
}

// A teller asked for two transfers that both need a confirmation, paused on them.
async function twoGatedTransfers() {
  const b = bank({
    calls: [
      { name: 'transfer', args: { amount: 200 } },
      { name: 'transfer', args: { amount: 300 } },
    ],
  });
  await b.run({ newMessage: 'go' });
  const [first, second] = pendingRequests(b.session());
  return { b, first, second };
}

const finalText = (events: readonly Event[]) => events.at(-1)?.content?.parts[0];

describe('functionTool requireConfirmation', () => {
  it('pauses before execute with the tool name and arguments, and runs it once approved', async () => {
    const b = bank({ calls: [{ name: 'transfer', args: { amount: 500 } }] });
    const first = await b.run({ newMessage: 'move 500' });
    expect(b.executed).toEqual([]);
    expect(first.at(-1)?.actions.requestInput).toMatchObject({
      kind: 'confirmation',
      payload: { tool: 'transfer', args: { amount: 500 } },
    });
    const [pending] = pendingRequests(b.session());
    const resumed = await b.run({ resume: { [pending!.id]: true } });
    expect(b.executed).toEqual(['transfer 500']);
    expect(finalText(resumed)).toEqual({ text: 'done: {"transfer":{"moved":500}}' });
    // one model call before the pause, one after: the first is served from the log
    expect(b.model.requests).toHaveLength(2);
  });

  it('gives the model an error response with the reason when rejected', async () => {
    const b = bank({ calls: [{ name: 'transfer', args: { amount: 500 } }] });
    await b.run({ newMessage: 'move 500' });
    const [pending] = pendingRequests(b.session());
    const resumed = await b.run({ resume: { [pending!.id]: { confirmed: false, reason: 'too much' } } });
    expect(b.executed).toEqual([]);
    expect(lastResponses(b.model.requests.at(-1))).toEqual({
      transfer: { error: "The user rejected the call of tool 'transfer': too much" },
    });
    expect(finalText(resumed)).toMatchObject({ text: expect.stringContaining('too much') });
  });

  it('does not ask when the predicate says no', async () => {
    const b = bank({ calls: [{ name: 'transfer', args: { amount: 50 } }] });
    await b.run({ newMessage: 'move 50' });
    expect(b.executed).toEqual(['transfer 50']);
    expect(pendingRequests(b.session())).toEqual([]);
  });

  it('runs an ungated call of the same response once and keeps its answer while another waits', async () => {
    const b = bank({
      calls: [
        { name: 'transfer', args: { amount: 500 } },
        { name: 'balance', args: {} },
      ],
    });
    await b.run({ newMessage: 'go' });
    expect(b.executed).toEqual(['balance']);
    const [pending] = pendingRequests(b.session());
    await b.run({ resume: { [pending!.id]: true } });
    expect(b.executed).toEqual(['balance', 'transfer 500']);
    expect(lastResponses(b.model.requests.at(-1))).toEqual({
      transfer: { moved: 500 },
      balance: { balance: 1000 },
    });
  });

  it('answering one of two gated calls does not call the model while the other is unanswered', async () => {
    const { b, first, second } = await twoGatedTransfers();
    expect(first?.payload).toMatchObject({ args: { amount: 200 } });
    await b.run({ resume: { [first!.id]: true } });
    expect(b.executed).toEqual(['transfer 200']);
    expect(b.model.requests).toHaveLength(1);
    expect(pendingRequests(b.session()).map((p) => p.id)).toEqual([second!.id]);
    const last = await b.run({ resume: { [second!.id]: true } });
    expect(b.executed).toEqual(['transfer 200', 'transfer 300']);
    expect(b.model.requests).toHaveLength(2);
    expect(finalText(last)).toMatchObject({ text: expect.stringContaining('"moved":300') });
    expect(pendingRequests(b.session())).toEqual([]);
  });

  it('answers two gated calls together', async () => {
    const { b, first, second } = await twoGatedTransfers();
    await b.run({ resume: { [first!.id]: true, [second!.id]: false } });
    expect(b.executed).toEqual(['transfer 200']);
    expect(b.model.requests).toHaveLength(2);
  });

  it('rejects an answer that is not a confirmation without committing anything', async () => {
    const b = bank({ calls: [{ name: 'transfer', args: { amount: 500 } }] });
    await b.run({ newMessage: 'go' });
    const [pending] = pendingRequests(b.session());
    const count = b.session().events.length;
    const error = await b.run({ resume: { [pending!.id]: 'yes please' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidAnswerError);
    expect(b.session().events).toHaveLength(count);
    expect(pendingRequests(b.session()).map((p) => p.id)).toEqual([pending!.id]);
    expect(b.executed).toEqual([]);
  });
});
