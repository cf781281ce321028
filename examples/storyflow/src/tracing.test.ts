// The span tree of StoryFlow matches its agent tree, with model calls beneath the LLM agents.

import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { parseSpanName, Runner, SpanAttribute, SpanOperation, sequentialIds } from '@rxagents/core';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { storyFlowModel, TOPICS } from './scenarios.js';
import { storyFlowClass } from './storyFlows.js';

function tree(spans: readonly ReadableSpan[]): string[] {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const children = new Map<string, ReadableSpan[]>();
  const roots: ReadableSpan[] = [];
  for (const s of spans) {
    const parent = s.parentSpanContext?.spanId;
    if (parent === undefined || !ids.has(parent)) roots.push(s);
    else children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const start = (s: ReadableSpan) => s.startTime[0] * 1e9 + s.startTime[1];
  const out: string[] = [];
  const walk = (s: ReadableSpan, depth: number): void => {
    out.push(`${'  '.repeat(depth)}${s.name}`);
    for (const c of (children.get(s.spanContext().spanId) ?? []).sort((a, b) => start(a) - start(b)))
      walk(c, depth + 1);
  };
  for (const r of roots.sort((a, b) => start(a) - start(b))) walk(r, 0);
  return out;
}

describe('StoryFlow tracing', () => {
  it('produces a span tree that mirrors the agent tree, model calls included', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const model = storyFlowModel();
    const runner = new Runner({
      appName: 'stories',
      agent: storyFlowClass(model, false),
      tracer: provider.getTracer('storyflow-test'),
      idGenerator: sequentialIds('e'),
    });
    await lastValueFrom(
      runner
        .run({ userId: 'u', sessionId: 's', newMessage: TOPICS[0], stateDelta: { topic: TOPICS[0] } })
        .pipe(toArray()),
    );
    const llm = (agent: string, depth: number) => [
      `${'  '.repeat(depth)}invoke_agent ${agent}`,
      `${'  '.repeat(depth + 1)}call_llm ${model.name}`,
    ];
    expect(tree(exporter.getFinishedSpans())).toEqual([
      'invoke_agent story_flow',
      ...llm('story_generator', 1),
      '  invoke_agent refine',
      ...llm('critic', 2),
      ...llm('reviser', 2),
      ...llm('critic', 2),
      ...llm('reviser', 2),
      '  invoke_agent checks',
      ...llm('grammar_check', 2),
      ...llm('tone_check', 2),
      ...llm('story_generator', 1),
    ]);
    const calls = exporter
      .getFinishedSpans()
      .filter((s) => parseSpanName(s.name)?.operation === SpanOperation.callLlm);
    expect(calls.every((s) => s.attributes[SpanAttribute.requestModel] === model.name)).toBe(true);
    expect(calls[0]?.attributes[SpanAttribute.branch]).toBe('story_flow.story_generator');
  });
});
