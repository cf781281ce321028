import { spawn } from 'node:child_process';
import { type Event, InMemorySessionService, isFunctionResponsePart, Runner } from '@rxagents/core';
import { LlmAgent, scriptedModel } from '@rxagents/llm';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { McpToolError, mcpToolset } from '../src/index.js';
import { alive, eventually, facts, fixture, scratch, testServerTransport, tsNode } from './support.js';

const work = scratch();
afterAll(() => work.remove());

const serverPids = (record: string) =>
  facts(record)
    .filter((f) => f.event === 'started')
    .map((f) => Number(f.pid));

function responsesOf(events: readonly Event[]): unknown[] {
  return events
    .flatMap((e) => (e.content?.parts ?? []).filter(isFunctionResponsePart))
    .map((p) => p.functionResponse.response);
}

describe('mcpToolset lifecycle', { timeout: 30_000 }, () => {
  it('reports a server crashing mid-call as an error response, keeps what was committed, and reconnects on the next call', async () => {
    const record = work.file('crash.jsonl');
    const toolset = mcpToolset({
      name: 'crashy',
      transport: testServerTransport(record, { STAY_ALIVE: '1' }),
    });
    const model = scriptedModel([
      {
        userText: 'first',
        respond: [{ functionCalls: [{ name: 'echo', args: { text: 'kept' } }] }, { text: 'one' }],
      },
      { userText: 'second', respond: [{ functionCalls: [{ name: 'crash' }] }, { text: 'two' }] },
      { userText: 'third', respond: [{ functionCalls: [{ name: 'pid' }] }, { text: 'three' }] },
    ]);
    const agent = new LlmAgent({ name: 'caller', model, tools: [toolset] });
    const runner = new Runner({ appName: 'mcp', agent, sessionService: new InMemorySessionService() });
    const turn = (text: string) =>
      lastValueFrom(runner.run({ userId: 'u', sessionId: 's', newMessage: text }).pipe(toArray()));
    try {
      await turn('first');
      const crashed = await turn('second');
      expect(responsesOf(crashed)).toEqual([
        { error: expect.stringMatching(/^MCP toolset 'crashy', tool 'crash': connection-closed: /) },
      ]);
      expect(crashed.at(-1)!.content?.parts[0]).toEqual({ text: 'two' });
      const after = await turn('third');
      const pids = serverPids(record);
      expect(pids).toHaveLength(2);
      expect(responsesOf(after)).toEqual([{ text: String(pids[1]) }]);
      const session = await firstValueFrom(
        runner.sessionService.getSession({ appName: 'mcp', userId: 'u', sessionId: 's' }),
      );
      const texts = session!.events.filter((e) => e.author === 'caller').map((e) => e.content?.parts[0]);
      expect(texts).toEqual([
        expect.objectContaining({ functionCall: expect.objectContaining({ name: 'echo' }) }),
        {
          functionResponse: expect.objectContaining({
            response: { text: 'kept', structuredContent: { echoed: 'kept' } },
          }),
        },
        { text: 'one' },
        expect.objectContaining({ functionCall: expect.objectContaining({ name: 'crash' }) }),
        expect.anything(),
        { text: 'two' },
        expect.objectContaining({ functionCall: expect.objectContaining({ name: 'pid' }) }),
        expect.anything(),
        { text: 'three' },
      ]);
    } finally {
      await toolset.close();
    }
  });

  it('fails to list with McpToolError naming the toolset when the server cannot start', async () => {
    const toolset = mcpToolset({ name: 'missing', transport: { command: '/nonexistent/mcp-server' } });
    const error = await firstValueFrom(toolset.tools$(undefined as never)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpToolError);
    expect(error).toMatchObject({ code: 'MCP_TOOL_FAILED', toolset: 'missing', reason: 'connect' });
    await toolset.close();
  });

  it('stops the server process on close(), even one that ignores its closed stdin', async () => {
    const record = work.file('close.jsonl');
    const toolset = mcpToolset({
      name: 'closing',
      transport: testServerTransport(record, { STAY_ALIVE: '1' }),
    });
    await firstValueFrom(toolset.tools$(undefined as never));
    const [pid] = serverPids(record);
    expect(alive(pid!)).toBe(true);
    await toolset.close();
    await eventually(() => !alive(pid!));
    const error = await firstValueFrom(toolset.tools$(undefined as never)).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'closed', toolset: 'closing' });
  });

  it('leaves no orphaned server when the process that started it is killed', async () => {
    const record = work.file('orphan.jsonl');
    const parent = spawn(process.execPath, [...tsNode, fixture('parent.ts'), record], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    parent.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    await eventually(() => output.includes('ready'), 20_000);
    const [pid] = serverPids(record);
    expect(alive(pid!)).toBe(true);
    parent.kill('SIGKILL');
    await eventually(() => !alive(pid!));
  });
});
