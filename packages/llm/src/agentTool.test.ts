// agentTool with an outputSchema, ported from ADK Python's tests/unittests/tools/test_agent_tool.py
// (test_custom_schema, test_no_schema) and ADK Java's AgentToolTest
// (call_withInputAndOutputSchema_successful, call_withOutputSchema_invalidOutput_throwsException,
// call_withoutSchema_returnsConcatenatedTextFromLastEvent). ADK has input schemas too; we do not.
import { type Event, InMemorySessionService, isFunctionResponsePart, Runner } from '@rxagents/core';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { agentTool } from './agentTool.js';
import { LlmAgent } from './LlmAgent.js';
import { type ScriptedReply, scriptedModel } from './scriptedModel.js';

function responsesOf(events: readonly Event[]): unknown[] {
  return events
    .flatMap((e) => (e.content?.parts ?? []).filter(isFunctionResponsePart))
    .map((p) => p.functionResponse.response);
}

async function callThroughRoot(toolAgentReply: ScriptedReply, outputSchema?: z.ZodType) {
  const model = scriptedModel([
    { agent: 'tool_agent', respond: toolAgentReply },
    {
      agent: 'root_agent',
      respond: [{ functionCalls: [{ name: 'tool_agent', args: { request: 'test1' } }] }, 'response2'],
    },
  ]);
  const toolAgent = new LlmAgent({
    name: 'tool_agent',
    model,
    outputKey: 'tool_output',
    ...(outputSchema === undefined ? {} : { outputSchema }),
  });
  const root = new LlmAgent({ name: 'root_agent', model, tools: [agentTool(toolAgent)] });
  const runner = new Runner({ appName: 'tools', agent: root, sessionService: new InMemorySessionService() });
  const events = await lastValueFrom(
    runner.run({ userId: 'u', sessionId: 's', newMessage: 'test1' }).pipe(toArray()),
  );
  return { events, model };
}

describe('agentTool', () => {
  it('answers with the parsed object when the agent has an outputSchema (test_custom_schema)', async () => {
    const CustomOutput = z.object({ custom_output: z.string() });
    const { events, model } = await callThroughRoot('{"custom_output": "response1"}', CustomOutput);
    expect(events.map((e) => e.author)).toEqual(['root_agent', 'root_agent', 'root_agent']);
    expect(responsesOf(events)).toEqual([{ custom_output: 'response1' }]);
    expect(events[1]!.actions.stateDelta).toEqual({ tool_output: { custom_output: 'response1' } });
    expect(model.requests[1]!.responseSchema).toMatchObject({
      properties: { custom_output: { type: 'string' } },
    });
    // The caller's model sees the object, not a JSON string inside { result }.
    expect(model.requests[2]!.contents.at(-1)!.parts[0]).toMatchObject({
      functionResponse: { name: 'tool_agent', response: { custom_output: 'response1' } },
    });
  });

  it('parses a fenced answer and keeps only what the schema keeps (call_withInputAndOutputSchema_successful)', async () => {
    const schema = z.object({ is_valid: z.boolean(), message: z.string() });
    const { events } = await callThroughRoot(
      '```json\n{"is_valid": true, "message": "success", "extra": 1}\n```',
      schema,
    );
    expect(responsesOf(events)).toEqual([{ is_valid: true, message: 'success' }]);
  });

  it('wraps a parsed value that is not an object as { result }, as any tool result', async () => {
    const { events } = await callThroughRoot('["a", "b"]', z.array(z.string()));
    expect(responsesOf(events)).toEqual([{ result: ['a', 'b'] }]);
  });

  it('answers { error } naming the agent when the text does not match (call_withOutputSchema_invalidOutput)', async () => {
    const schema = z.object({ is_valid: z.boolean(), message: z.string() });
    const { events } = await callThroughRoot('{"is_valid": "invalid type", "message": "success"}', schema);
    const [response] = responsesOf(events) as { error: string }[];
    expect(Object.keys(response!)).toEqual(['error']);
    expect(response!.error).toContain("Agent 'tool_agent': outputSchema");
    expect(response!.error).toContain('is_valid');
    expect(events.at(-1)!.content?.parts[0]).toEqual({ text: 'response2' });
  });

  it('answers { result: text } without an outputSchema (test_no_schema)', async () => {
    const { events } = await callThroughRoot('response1');
    expect(responsesOf(events)).toEqual([{ result: 'response1' }]);
  });
});
