import { type Event, InMemorySessionService, isFunctionResponsePart, Runner } from '@rxagents/core';
import { LlmAgent, scriptedModel, type Tool } from '@rxagents/llm';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type McpToolset, mcpToolset } from '../src/index.js';
import { eventually, facts, scratch, testServerTransport } from './support.js';

const work = scratch();
const record = work.file('record.jsonl');
let toolset: McpToolset;

beforeAll(() => {
  toolset = mcpToolset({
    name: 'fixture',
    transport: testServerTransport(record),
    filter: (name) => name !== 'crash',
    timeoutMillis: 2_000,
  });
});

afterAll(async () => {
  await toolset.close();
  work.remove();
});

function responsesOf(events: readonly Event[]): Record<string, unknown>[] {
  return events
    .flatMap((e) => (e.content?.parts ?? []).filter(isFunctionResponsePart))
    .map((p) => p.functionResponse.response);
}

// An agent whose scripted model calls `name` with `args`, then answers 'done'.
function caller(
  name: string,
  args: Record<string, string | number> = {},
): { agent: LlmAgent; runner: Runner } {
  const model = scriptedModel([{ respond: [{ functionCalls: [{ name, args }] }, { text: 'done' }] }]);
  const agent = new LlmAgent({ name: 'caller', model, tools: [toolset] });
  return {
    agent,
    runner: new Runner({ appName: 'mcp', agent, sessionService: new InMemorySessionService() }),
  };
}

const runOnce = (runner: Runner, sessionId = 's1') =>
  lastValueFrom(runner.run({ userId: 'u', sessionId, newMessage: 'go' }).pipe(toArray()));

async function toolNamed(name: string): Promise<Tool> {
  const tools = await firstValueFrom(toolset.tools$(undefined as never));
  const tool = tools.find((t) => t.name === name);
  if (tool === undefined) throw new Error(`no tool ${name}`);
  return tool;
}

describe('mcpToolset over stdio', { timeout: 30_000 }, () => {
  it('offers the listed tools with their descriptions and JSON Schemas, without the filtered ones', async () => {
    const tools = await firstValueFrom(toolset.tools$(undefined as never));
    const names = tools.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(['echo', 'wait', 'hang', 'fail', 'malformed', 'pid', 'grow']),
    );
    expect(names).not.toContain('crash');
    const echo = tools.find((t) => t.name === 'echo')!;
    expect(echo.declaration).toMatchObject({
      name: 'echo',
      description: 'Echoes a text',
      parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    });
  });

  it('runs a tool for an LlmAgent and maps text and structuredContent to the function response', async () => {
    const { runner } = caller('echo', { text: 'a fox' });
    const events = await runOnce(runner);
    expect(responsesOf(events)).toEqual([{ text: 'a fox', structuredContent: { echoed: 'a fox' } }]);
    expect(events.at(-1)!.content?.parts[0]).toEqual({ text: 'done' });
  });

  it('answers arguments that fail the input schema with an error response, without calling the server', async () => {
    const { runner } = caller('echo', { text: 42 });
    const [response] = responsesOf(await runOnce(runner));
    // The server would have answered "Input validation error"; ours is checked before sending.
    expect(response).toEqual({
      error: expect.stringMatching(/^Invalid arguments for tool 'echo': .*must be string/),
    });
  });

  it('maps a result flagged isError to an error response', async () => {
    const { runner } = caller('fail');
    expect(responsesOf(await runOnce(runner))).toEqual([{ error: 'the disk is full' }]);
  });

  it('turns a malformed answer into an error response naming the toolset, tool and failure', async () => {
    const { runner } = caller('malformed');
    const [response] = responsesOf(await runOnce(runner));
    expect(response).toEqual({
      error: expect.stringMatching(/^MCP toolset 'fixture', tool 'malformed': malformed-response: /),
    });
  });

  it('times out a server that never answers, and goes on using the same connection', async () => {
    const { runner } = caller('hang');
    const [response] = responsesOf(await runOnce(runner));
    expect(response).toEqual({
      error: expect.stringMatching(/^MCP toolset 'fixture', tool 'hang': timeout: /),
    });
    const pid = await toolNamed('pid');
    const [first] = await lastValueFrom(pid.run({}, undefined as never).pipe(toArray()));
    const started = facts(record).filter((f) => f.event === 'started');
    expect(started).toHaveLength(1);
    expect(first).toEqual({ text: String(started[0]!.pid) });
  });

  it('shares one connection among concurrent runs', async () => {
    const runs = await Promise.all([1, 2, 3].map((i) => runOnce(caller('pid').runner, `c${i}`)));
    const pids = runs.map((events) => responsesOf(events)[0]);
    expect(new Set(pids.map((p) => JSON.stringify(p))).size).toBe(1);
    expect(facts(record).filter((f) => f.event === 'started')).toHaveLength(1);
  });

  it('sees a tool added at run time after the server sends tools/list_changed', async () => {
    expect((await firstValueFrom(toolset.tools$(undefined as never))).map((t) => t.name)).not.toContain(
      'extra',
    );
    await runOnce(caller('grow').runner);
    await eventually(async () =>
      (await firstValueFrom(toolset.tools$(undefined as never))).some((t) => t.name === 'extra'),
    );
    const events = await runOnce(caller('extra').runner);
    expect(responsesOf(events)).toEqual([{ text: 'extra!' }]);
  });

  it('sends notifications/cancelled when the run is unsubscribed mid-call, and the server aborts the handler', async () => {
    const { runner } = caller('wait');
    const seen: Event[] = [];
    const subscription = runner
      .run({ userId: 'u', sessionId: 'cancel', newMessage: 'go' })
      .subscribe((e) => seen.push(e));
    const started = await eventually(() => facts(record).find((f) => f.event === 'wait-started'));
    subscription.unsubscribe();
    const cancelled = await eventually(() =>
      facts(record).find((f) => f.event === 'cancelled' && f.requestId === started.requestId),
    );
    expect(cancelled.reason).toContain("the run stopped waiting for tool 'wait'");
    await eventually(() =>
      facts(record).find((f) => f.event === 'handler-aborted' && f.requestId === started.requestId),
    );
    // What the run had committed (the user's message, the model's function call) stays.
    const session = await firstValueFrom(
      runner.sessionService.getSession({ appName: 'mcp', userId: 'u', sessionId: 'cancel' }),
    );
    expect(session!.events.map((e) => e.author)).toEqual(['user', 'caller']);
    expect(session!.events[1]!.content?.parts[0]).toMatchObject({ functionCall: { name: 'wait' } });
    expect(seen.map((e) => e.id)).toEqual([session!.events[1]!.id]);
  });

  it('keeps waiting past the timeout while the server reports progress', async () => {
    // A record of its own, so that only this call's progress is counted.
    const own = work.file('patient.jsonl');
    const patient = mcpToolset({
      name: 'patient',
      transport: testServerTransport(own),
      timeoutMillis: 300,
    });
    try {
      const wait = (await firstValueFrom(patient.tools$(undefined as never))).find((t) => t.name === 'wait')!;
      const outcome: unknown[] = [];
      const subscription = wait
        .run({}, undefined as never)
        .subscribe({ next: (v) => outcome.push(v), error: (e) => outcome.push(e) });
      // 24 progress notifications, 50 ms apart: the call has waited four times its timeout.
      await eventually(() => facts(own).some((f) => f.event === 'progress' && Number(f.progress) >= 24));
      expect(outcome).toEqual([]);
      subscription.unsubscribe();
    } finally {
      await patient.close();
    }
  });
});
