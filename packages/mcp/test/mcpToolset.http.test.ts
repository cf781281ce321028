import { firstValueFrom, lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpToolError, type McpToolset, mcpToolset } from '../src/index.js';
import { type LoopbackServer, loopbackServer } from './fixtures/httpServer.js';
import { connectRecording, type Record as Fact, testServer } from './fixtures/testServer.js';
import { eventually } from './support.js';

// The SDK's own McpServer over loopback Streamable HTTP, in this process: its record is an array.
const seen: { readonly [key: string]: string | number }[] = [];
const record: Fact = (fact) => seen.push(fact);
let server: LoopbackServer;
let toolset: McpToolset;

beforeAll(async () => {
  server = await loopbackServer(
    (transport) => connectRecording(testServer(record), transport, record),
    's3cret',
  );
  toolset = mcpToolset({
    name: 'remote',
    transport: { url: server.url, headers: { authorization: 'Bearer s3cret' } },
    timeoutMillis: 2_000,
  });
});

afterAll(async () => {
  await toolset.close();
  await server.close();
});

const tool = async (name: string) =>
  (await firstValueFrom(toolset.tools$(undefined as never))).find((t) => t.name === name)!;

describe('mcpToolset over Streamable HTTP', { timeout: 20_000 }, () => {
  it('sends the headers and calls a tool of the SDK server', async () => {
    const echo = await tool('echo');
    expect(await lastValueFrom(echo.run({ text: 'over http' }, undefined as never))).toEqual({
      text: 'over http',
      structuredContent: { echoed: 'over http' },
    });
  });

  it('fails to connect with McpToolError when the server refuses the credentials', async () => {
    const refused = mcpToolset({
      name: 'refused',
      transport: { url: server.url, headers: { authorization: 'Bearer no' } },
    });
    const error = await firstValueFrom(refused.tools$(undefined as never)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpToolError);
    expect(error).toMatchObject({ toolset: 'refused', reason: 'connect' });
    expect((error as Error).message).toMatch(/^MCP toolset 'refused': connect: .*\(status 401\)$/);
    await refused.close();
  });

  it('sends notifications/cancelled over HTTP when unsubscribed, and the server aborts the handler', async () => {
    const wait = await tool('wait');
    const subscription = wait.run({}, undefined as never).subscribe();
    const started = await eventually(() => seen.find((f) => f.event === 'wait-started'));
    subscription.unsubscribe();
    await eventually(() => seen.find((f) => f.event === 'cancelled' && f.requestId === started.requestId));
    await eventually(() =>
      seen.find((f) => f.event === 'handler-aborted' && f.requestId === started.requestId),
    );
  });

  it('answers a call of a tool the server no longer has with the error it reports', async () => {
    const doomed = await tool('doomed');
    await lastValueFrom((await tool('vanish')).run({}, undefined as never));
    expect(await lastValueFrom(doomed.run({}, undefined as never))).toEqual({
      error: expect.stringContaining('Tool doomed not found'),
    });
    await eventually(
      async () =>
        !(await firstValueFrom(toolset.tools$(undefined as never))).some((t) => t.name === 'doomed'),
    );
  });
});
