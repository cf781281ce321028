import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../../../test/support/expectError.js';
import { McpToolError, type McpToolset, mcpToolset } from '../src/index.js';
import { type LoopbackServer, loopbackServer } from './fixtures/httpServer.js';

// A server on the SDK's low-level `Server`, which answers calls with JSON-RPC errors (McpServer
// turns every failure into an `isError` result instead): an unknown tool, an internal error.
function strictServer(): Server {
  const server = new Server({ name: 'strict', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [
      { name: 'listed_but_gone', inputSchema: { type: 'object' } },
      { name: 'broken', inputSchema: { type: 'object' } },
    ],
  }));
  server.setRequestHandler(CallToolRequestSchema, (request) => {
    if (request.params.name === 'broken') throw new McpError(ErrorCode.InternalError, 'database unavailable');
    throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
  });
  return server;
}

let http: LoopbackServer;
let toolset: McpToolset;

beforeAll(async () => {
  http = await loopbackServer((transport) => strictServer().connect(transport), 'token');
  toolset = mcpToolset({
    name: 'strict',
    transport: { url: http.url, headers: { authorization: 'Bearer token' } },
  });
});

afterAll(async () => {
  await toolset.close();
  await http.close();
});

async function failure(name: string): Promise<unknown> {
  const tool = (await firstValueFrom(toolset.tools$(undefined as never))).find((t) => t.name === name)!;
  return lastValueFrom(tool.run({}, undefined as never)).catch((e: unknown) => e);
}

describe('mcpToolset and JSON-RPC errors', { timeout: 20_000 }, () => {
  it('fails a call of a tool the server does not know with McpToolError unknown-tool', async () => {
    const error = await failure('listed_but_gone');
    expectError(error, McpToolError, {
      toolset: 'strict',
      tool: 'listed_but_gone',
      reason: 'unknown-tool',
      field: 'listed_but_gone',
    });
    expect((error as Error).message).toBe(
      "MCP toolset 'strict', tool 'listed_but_gone': unknown-tool: MCP error -32602: Unknown tool: listed_but_gone",
    );
  });

  it('fails a call the server answers with an internal error with McpToolError server-error', async () => {
    expect(await failure('broken')).toMatchObject({
      reason: 'server-error',
      message: expect.stringContaining('database unavailable'),
    });
  });
});
