import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Event, InMemorySessionService, isFunctionResponsePart, Runner } from '@rxagents/core';
import { LlmAgent, scriptedModel, type Tool } from '@rxagents/llm';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type McpToolset, mcpToolset } from '../src/index.js';

// The reference "everything" server from npm, a server we did not write, spawned over stdio.
const manifest = createRequire(import.meta.url).resolve(
  '@modelcontextprotocol/server-everything/package.json',
);
const bin = join(dirname(manifest), 'dist', 'index.js');
let toolset: McpToolset;

beforeAll(() => {
  process.env.RXAGENTS_TEST_SECRET = 'not for the server';
  toolset = mcpToolset({
    name: 'everything',
    transport: { command: process.execPath, args: [bin, 'stdio'], env: { GREETING: 'hello' } },
    timeoutMillis: 1_500,
  });
});

afterAll(async () => {
  delete process.env.RXAGENTS_TEST_SECRET;
  await toolset.close();
});

async function call(name: string, args: Record<string, string | number>): Promise<unknown[]> {
  const model = scriptedModel([{ respond: [{ functionCalls: [{ name, args }] }, { text: 'done' }] }]);
  const agent = new LlmAgent({ name: 'caller', model, tools: [toolset] });
  const runner = new Runner({ appName: 'mcp', agent, sessionService: new InMemorySessionService() });
  const events: Event[] = await lastValueFrom(
    runner.run({ userId: 'u', sessionId: 's', newMessage: 'go' }).pipe(toArray()),
  );
  return events
    .flatMap((e) => (e.content?.parts ?? []).filter(isFunctionResponsePart))
    .map((p) => p.functionResponse.response);
}

describe('mcpToolset against @modelcontextprotocol/server-everything', { timeout: 30_000 }, () => {
  it('lists its tools with their JSON Schemas', async () => {
    const tools: readonly Tool[] = await firstValueFrom(toolset.tools$(undefined as never));
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining(['echo', 'get-sum', 'get-structured-content']),
    );
    expect(tools.find((t) => t.name === 'get-sum')!.declaration).toMatchObject({
      description: 'Returns the sum of two numbers',
      parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } },
    });
  });

  it('calls a tool and returns its text', async () => {
    expect(await call('get-sum', { a: 2, b: 3 })).toEqual([{ text: expect.stringContaining('5') }]);
  });

  it('rejects arguments that do not fit the listed schema before calling', async () => {
    expect(await call('get-sum', { a: 'two', b: 3 })).toEqual([
      { error: expect.stringMatching(/^Invalid arguments for tool 'get-sum': .*must be number/) },
    ]);
  });

  it('returns structuredContent, checked by the SDK against the output schema', async () => {
    const [response] = await call('get-structured-content', { location: 'Chicago' });
    expect(response).toMatchObject({
      structuredContent: { temperature: expect.any(Number), conditions: expect.any(String) },
    });
  });

  it('lists image and resource-link parts without their data', async () => {
    const [image] = (await call('get-tiny-image', {})) as { content: unknown[] }[];
    expect(image!.content).toEqual([{ type: 'image', mimeType: 'image/png' }]);
    const [links] = (await call('get-resource-links', { count: 2 })) as { content: unknown[] }[];
    expect(links!.content).toEqual([
      { type: 'resource_link', uri: expect.any(String), name: expect.any(String) },
      { type: 'resource_link', uri: expect.any(String), name: expect.any(String) },
    ]);
  });

  it('passes the env option to the server, and not the rest of our environment', async () => {
    const [response] = (await call('get-env', {})) as { text: string }[];
    const env = JSON.parse(response!.text) as Record<string, string>;
    expect(env.GREETING).toBe('hello');
    expect(env.RXAGENTS_TEST_SECRET).toBeUndefined();
  });

  it('waits past timeoutMillis for an operation that reports progress', async () => {
    // 3 s in 6 steps of 0.5 s, each step a progress notification, against a 1.5 s timeout.
    expect(await call('trigger-long-running-operation', { duration: 3, steps: 6 })).toEqual([
      { text: expect.stringContaining('Long running operation completed') },
    ]);
  });
});
