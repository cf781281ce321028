// Each case is a way ADK JS 2.0.0 breaks on pause and resume (../shared/notes/peer-lessons-hitl.md),
// run against our design: what the log records never runs again, and nothing is lost.
import {
  type BaseAgent,
  InMemorySessionService,
  isFunctionResponsePart,
  LoopAgent,
  ParallelAgent,
  pendingRequests,
  Runner,
  type RunRequest,
  SequentialAgent,
} from '@rxagents/core';
import { functionTool, LlmAgent, type LlmRequest, scriptedModel } from '@rxagents/llm';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const user = { userId: 'u1', sessionId: 's1' };
const answeredTurns = (r: LlmRequest) =>
  r.contents.filter((c) => c.parts.some(isFunctionResponsePart)).length;

function harness(root: BaseAgent) {
  const sessions = new InMemorySessionService();
  const runner = new Runner({ appName: 'app', agent: root, sessionService: sessions });
  const session = () => sessions.getOrCreateSessionSync({ appName: 'app', ...user });
  const run = (request: Omit<RunRequest, 'userId' | 'sessionId'>) =>
    lastValueFrom(runner.run({ ...user, ...request }).pipe(toArray()));
  const approveAll = async () => {
    const pending = pendingRequests(session());
    return run({ resume: Object.fromEntries(pending.map((p) => [p.id, true])) });
  };
  return { run, session, approveAll };
}

function gatedTool(log: string[], name = 'act', options: { longRunning?: boolean } = {}) {
  return functionTool({
    name,
    description: name,
    parameters: z.object({ n: z.number() }),
    ...(options.longRunning === true ? { longRunning: true } : { requireConfirmation: true }),
    execute: ({ n }) => {
      log.push(`${name} ${n}`);
      return { done: n };
    },
  });
}

// A model that calls `tool` once per turn with no answer yet in the turn, then says `done`.
function callsOnce(agentName: string, tool: string, n = 1) {
  return {
    agent: agentName,
    respond: (r: LlmRequest) =>
      answeredTurns(r) === 0 ? { functionCalls: [{ name: tool, args: { n } }] } : `${agentName} done`,
  };
}

describe('peer lessons: pause and resume in workflows', () => {
  it('a sequence runs no step after a gated tool before approval and no earlier step again', async () => {
    const log: string[] = [];
    const model = scriptedModel([
      { agent: 'a', respond: 'a said' },
      callsOnce('b', 'act'),
      { agent: 'c', respond: 'c said' },
    ]);
    const llm = (name: string, tools = [] as ReturnType<typeof gatedTool>[]) =>
      new LlmAgent({ name, model, tools });
    const h = harness(
      new SequentialAgent({ name: 'seq', subAgents: [llm('a'), llm('b', [gatedTool(log)]), llm('c')] }),
    );
    await h.run({ newMessage: 'go' });
    expect(model.requests.map((r) => r.agentName)).toEqual(['a', 'b']);
    await h.approveAll();
    expect(model.requests.map((r) => r.agentName)).toEqual(['a', 'b', 'b', 'c']);
    expect(log).toEqual(['act 1']);
  });

  it('a parallel agent does not re-run its other branches on resume', async () => {
    const log: string[] = [];
    const model = scriptedModel([
      { agent: 'x', respond: 'x said' },
      callsOnce('y', 'act'),
      { agent: 'z', respond: 'z said' },
    ]);
    const fan = new ParallelAgent({
      name: 'fan',
      subAgents: [
        new LlmAgent({ name: 'x', model }),
        new LlmAgent({ name: 'y', model, tools: [gatedTool(log)] }),
        new LlmAgent({ name: 'z', model }),
      ],
    });
    const h = harness(fan);
    await h.run({ newMessage: 'go' });
    expect(model.requests.map((r) => r.agentName).sort()).toEqual(['x', 'y', 'z']);
    await h.approveAll();
    expect(model.requests.map((r) => r.agentName).sort()).toEqual(['x', 'y', 'y', 'z']);
    expect(h.session().events.filter((e) => e.author === 'x' || e.author === 'z')).toHaveLength(2);
  });

  it('confirmations in consecutive turns inside a loop each execute once: no livelock', async () => {
    const log: string[] = [];
    // every turn calls the tool again until it ran three times
    const model = scriptedModel([
      {
        agent: 'worker',
        respond: (r) =>
          answeredTurns(r) < 3
            ? { functionCalls: [{ name: 'act', args: { n: answeredTurns(r) + 1 } }] }
            : 'all done',
      },
    ]);
    const worker = new LlmAgent({
      name: 'worker',
      model,
      tools: [gatedTool(log)],
      includeContents: 'default',
    });
    const h = harness(new LoopAgent({ name: 'again', subAgents: [worker], maxIterations: 1 }));
    await h.run({ newMessage: 'go' });
    for (let i = 0; i < 3; i++) await h.approveAll();
    expect(log).toEqual(['act 1', 'act 2', 'act 3']);
    expect(pendingRequests(h.session())).toEqual([]);
    expect(h.session().events.at(-1)?.content?.parts[0]).toEqual({ text: 'all done' });
    expect(model.requests).toHaveLength(4);
  });

  it("a long-running tool's result is not lost inside a workflow and its job runs once", async () => {
    const log: string[] = [];
    const model = scriptedModel([callsOnce('worker', 'job'), { agent: 'after', respond: 'after said' }]);
    const flow = new SequentialAgent({
      name: 'seq',
      subAgents: [
        new LlmAgent({ name: 'worker', model, tools: [gatedTool(log, 'job', { longRunning: true })] }),
        new LlmAgent({ name: 'after', model }),
      ],
    });
    const h = harness(flow);
    await h.run({ newMessage: 'go' });
    const [pending] = pendingRequests(h.session());
    expect(pending?.kind).toBe('longRunning');
    expect(model.requests).toHaveLength(1); // the interim answer is never summarised
    await h.run({ resume: { [pending!.id]: { output: 42 } } });
    expect(log).toEqual(['job 1']);
    const sent = model.requests[1]!.contents.flatMap((c) => c.parts).filter(isFunctionResponsePart);
    expect(sent.map((p) => p.functionResponse.response)).toEqual([{ output: 42 }]);
    expect(model.requests.map((r) => r.agentName)).toEqual(['worker', 'worker', 'after']);
  });

  it('an unanswered parallel sibling keeps its request id and no phantom request stays pending', async () => {
    const log: string[] = [];
    const model = scriptedModel([callsOnce('p', 'act', 1), callsOnce('q', 'act', 2)]);
    const fan = new ParallelAgent({
      name: 'fan',
      subAgents: [
        new LlmAgent({ name: 'p', model, tools: [gatedTool(log)] }),
        new LlmAgent({ name: 'q', model, tools: [gatedTool(log)] }),
      ],
    });
    const h = harness(fan);
    await h.run({ newMessage: 'go' });
    const [forP, forQ] = pendingRequests(h.session());
    await h.run({ resume: { [forP!.id]: true } });
    expect(pendingRequests(h.session()).map((r) => r.id)).toEqual([forQ!.id]);
    expect(model.requests.filter((r) => r.agentName === 'q')).toHaveLength(1);
    await h.run({ resume: { [forQ!.id]: true } });
    expect(log.sort()).toEqual(['act 1', 'act 2']);
    expect(pendingRequests(h.session())).toEqual([]);
  });
});
