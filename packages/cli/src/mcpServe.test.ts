import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/support/eventually.js';
import { fixture, node } from '../test/terminal.js';

// The real binary as a child process, driven by the SDK's MCP client.
const work = mkdtempSync(join(tmpdir(), 'rxagents-cli-mcp-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const lines = (file: string): string[] => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

async function until(probe: () => boolean, timeout = 10_000): Promise<void> {
  await eventually(probe, timeout);
}

async function stdioClient(args: string[], env: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'sdk-client', version: '1.0.0' });
  const [command, ...rest] = node;
  await client.connect(
    new StdioClientTransport({
      command: command!,
      args: [...rest, 'mcp', 'serve', ...args],
      env,
      stderr: 'pipe',
    }),
  );
  return client;
}

describe('rxagents mcp serve', { timeout: 30_000 }, () => {
  it('serves the default export over stdio as an MCP tool', async () => {
    const client = await stdioClient([fixture('mcpAgents.ts')]);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => [t.name, t.description])).toEqual([['story_writer', 'Writes a short story']]);
      const result = await client.callTool({ name: 'story_writer', arguments: { message: 'a fox' } });
      expect(result.content).toEqual([{ type: 'text', text: 'A fox found a lantern.' }]);
    } finally {
      await client.close();
    }
  });

  it("unsubscribes the agent's run when the client cancels the call, keeping stdout for the protocol", async () => {
    const record = join(work, 'slow.txt');
    const client = await stdioClient([fixture('mcpAgents.ts'), '--export', 'slow'], { MCP_RECORD: record });
    try {
      const controller = new AbortController();
      const call = client.callTool({ name: 'slow', arguments: { message: 'x' } }, undefined, {
        signal: controller.signal,
      });
      await until(() => lines(record).includes('started'));
      controller.abort();
      await expect(call).rejects.toThrow();
      await until(() => lines(record).includes('torn-down'));
      // The agent's console.log went to stderr: the connection still works.
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['slow']);
    } finally {
      await client.close();
    }
  });

  it('serves Streamable HTTP with --port and stops on SIGINT', async () => {
    const [command, ...rest] = node;
    const port = 20_000 + (process.pid % 20_000);
    const child = spawn(
      command!,
      [...rest, 'mcp', 'serve', fixture('mcpAgents.ts'), '--port', String(port)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await until(() => out.includes('/mcp'));
    expect(out).toContain(`MCP server for story_writer on http://127.0.0.1:${port}/mcp`);
    const client = new Client({ name: 'sdk-client', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
    const result = await client.callTool({ name: 'story_writer', arguments: { message: 'a fox' } });
    expect(result.content).toEqual([{ type: 'text', text: 'A fox found a lantern.' }]);
    await client.close();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
