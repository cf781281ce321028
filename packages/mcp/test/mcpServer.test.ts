import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { agent, InMemorySessionService, InvalidAgentConfigError, Runner } from '@rxagents/core';
import { LlmAgent, scriptedModel } from '@rxagents/llm';
import { firstValueFrom, lastValueFrom, NEVER, Observable, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type McpEndpoint, mcpServer, mcpToolset } from '../src/index.js';
import { eventually } from './support.js';

const sessionService = new InMemorySessionService();
const writer = new LlmAgent({
  name: 'story_writer',
  description: 'Writes a short story',
  model: scriptedModel([
    { userText: 'a fox', respond: 'A fox found a lantern.' },
    { userText: 'again', respond: 'The fox kept the lantern.' },
  ]),
});
const critic = new LlmAgent({
  name: 'critic',
  model: scriptedModel([{ respond: '{"score": 4, "verdict": "charming"}' }]),
  outputSchema: z.object({ score: z.number(), verdict: z.string() }),
  outputKey: 'review',
});
let runs = { started: 0, tornDown: 0 };
const slow = agent(
  'slow',
  () =>
    new Observable<never>((subscriber) => {
      runs.started++;
      const inner = NEVER.subscribe(subscriber);
      return () => {
        runs.tornDown++;
        inner.unsubscribe();
      };
    }),
);

let endpoint: McpEndpoint;
const clients: Client[] = [];

async function connect(): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: 'sdk-client', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(endpoint.url));
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

beforeAll(async () => {
  endpoint = await mcpServer({ agents: [writer, critic, slow], sessionService, appName: 'served' }).listen();
});

afterAll(async () => {
  for (const client of clients) await client.close();
  await endpoint.close();
});

describe('mcpServer driven by the SDK Client over Streamable HTTP', { timeout: 20_000 }, () => {
  it('lists one tool per agent, with a message input and the output schema of an agent that has one', async () => {
    const { client } = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['story_writer', 'critic', 'slow']);
    expect(tools[0]).toMatchObject({
      description: 'Writes a short story',
      inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
    });
    expect(tools[0]!.outputSchema).toBeUndefined();
    expect(tools[1]!.outputSchema).toMatchObject({
      properties: { score: { type: 'number' }, verdict: { type: 'string' } },
    });
  });

  it('answers with the final response text, and keeps one session of ours per MCP session', async () => {
    const { client, transport } = await connect();
    const first = await client.callTool({ name: 'story_writer', arguments: { message: 'a fox' } });
    expect(first.content).toEqual([{ type: 'text', text: 'A fox found a lantern.' }]);
    await client.callTool({ name: 'story_writer', arguments: { message: 'again' } });
    const session = await firstValueFrom(
      sessionService.getSession({ appName: 'served', userId: 'mcp', sessionId: transport.sessionId! }),
    );
    expect(session!.events.map((e) => [e.author, e.content?.parts[0]])).toEqual([
      ['user', { text: 'a fox' }],
      ['story_writer', { text: 'A fox found a lantern.' }],
      ['user', { text: 'again' }],
      ['story_writer', { text: 'The fox kept the lantern.' }],
    ]);
    const other = await connect();
    expect(other.transport.sessionId).not.toBe(transport.sessionId);
  });

  it('returns structuredContent for an agent with an outputSchema, valid against the declared schema', async () => {
    const { client } = await connect();
    await client.listTools(); // the SDK client checks structuredContent against listed output schemas
    const result = await client.callTool({ name: 'critic', arguments: { message: 'review it' } });
    expect(result.structuredContent).toEqual({ score: 4, verdict: 'charming' });
    expect(result.isError).toBeFalsy();
  });

  it('unsubscribes the run when the client cancels the call', async () => {
    const { client } = await connect();
    runs = { started: 0, tornDown: 0 };
    const controller = new AbortController();
    const call = client.callTool({ name: 'slow', arguments: { message: 'take your time' } }, undefined, {
      signal: controller.signal,
    });
    await eventually(() => runs.started === 1);
    expect(runs.tornDown).toBe(0);
    controller.abort('the user gave up');
    await expect(call).rejects.toThrow();
    await eventually(() => runs.tornDown === 1);
  });

  it('serves an mcpToolset of ours: a remote agent as a tool, cancelled end to end', async () => {
    const remote = mcpToolset({ name: 'served', transport: { url: endpoint.url } });
    try {
      const model = scriptedModel([
        {
          userText: 'story',
          respond: [
            { functionCalls: [{ name: 'story_writer', args: { message: 'a fox' } }] },
            { text: 'ok' },
          ],
        },
        {
          userText: 'wait',
          respond: [{ functionCalls: [{ name: 'slow', args: { message: 'x' } }] }, { text: 'never' }],
        },
      ]);
      const host = new LlmAgent({ name: 'host', model, tools: [remote] });
      const runner = new Runner({ appName: 'host', agent: host });
      const events = await lastValueFrom(
        runner.run({ userId: 'u', sessionId: 'h', newMessage: 'story' }).pipe(toArray()),
      );
      expect(events[1]!.content?.parts[0]).toMatchObject({
        functionResponse: { name: 'story_writer', response: { text: 'A fox found a lantern.' } },
      });
      runs = { started: 0, tornDown: 0 };
      const subscription = runner.run({ userId: 'u', sessionId: 'h', newMessage: 'wait' }).subscribe();
      await eventually(() => runs.started === 1);
      subscription.unsubscribe();
      await eventually(() => runs.tornDown === 1);
    } finally {
      await remote.close();
    }
  });

  it('rejects two agents with one name with InvalidAgentConfigError', () => {
    expect(() => mcpServer({ agents: [writer, writer] })).toThrow(InvalidAgentConfigError);
  });
});
