// LlmAgent's spans: a model call is `call_llm <model>` and a tool call `execute_tool <tool>`,
// under the agent's `invoke_agent` span, with the OpenTelemetry GenAI attributes.

import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { InMemorySessionService, Runner, sequentialIds } from '@rxagents/core';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { functionTool } from './functionTool.js';
import { LlmAgent } from './LlmAgent.js';
import { scriptedModel } from './scriptedModel.js';

describe('LlmAgent tracing', () => {
  it('traces each model call and each tool call when a tracer is given', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const add = functionTool({
      name: 'add',
      description: 'Adds two numbers',
      parameters: z.object({ a: z.number(), b: z.number() }),
      execute: ({ a, b }) => a + b,
    });
    const model = scriptedModel([
      { respond: [{ functionCalls: [{ name: 'add', args: { a: 1, b: 2 } }] }, 'ok'] },
    ]);
    const calc = new LlmAgent({ name: 'calc', model, tools: [add] });
    const runner = new Runner({
      appName: 'app',
      agent: calc,
      sessionService: new InMemorySessionService(),
      tracer: provider.getTracer('test'),
      idGenerator: sequentialIds(),
    });
    await lastValueFrom(runner.run({ userId: 'u', sessionId: 's', newMessage: 'add' }).pipe(toArray()));
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual([
      'call_llm scripted',
      'call_llm scripted',
      'execute_tool add',
      'invoke_agent calc',
    ]);
    const agentSpan = spans.find((s) => s.name === 'invoke_agent calc')!.spanContext().spanId;
    for (const span of spans.filter((s) => s.name !== 'invoke_agent calc'))
      expect(span.parentSpanContext?.spanId).toBe(agentSpan);
    expect(spans.find((s) => s.name === 'call_llm scripted')?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'scripted',
      'gen_ai.agent.name': 'calc',
    });
    expect(spans.find((s) => s.name === 'execute_tool add')?.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'add',
      'gen_ai.tool.call.id': expect.stringMatching(/^call_/),
    });
  });
});
