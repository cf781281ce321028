import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { lastValueFrom, NEVER, of, throwError, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { say } from '../test/helpers.js';
import { agent } from './FunctionAgent.js';
import { sequentialIds } from './ids.js';
import { LoopAgent } from './LoopAgent.js';
import { retry } from './operators/retry.js';
import { ParallelAgent } from './ParallelAgent.js';
import { Runner } from './Runner.js';
import { SequentialAgent } from './SequentialAgent.js';
import { parseSpanName, SpanOperation, spanName } from './spanNames.js';

function setup() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, provider };
}

/** The span tree as indented names, children in start order. */
function tree(spans: readonly ReadableSpan[]): string[] {
  const byParent = new Map<string | undefined, ReadableSpan[]>();
  for (const s of spans) {
    const parent = s.parentSpanContext?.spanId;
    byParent.set(parent, [...(byParent.get(parent) ?? []), s]);
  }
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const roots = spans.filter(
    (s) => s.parentSpanContext === undefined || !ids.has(s.parentSpanContext.spanId),
  );
  const out: string[] = [];
  const walk = (s: ReadableSpan, depth: number) => {
    out.push(`${'  '.repeat(depth)}${s.name}`);
    const kids = (byParent.get(s.spanContext().spanId) ?? []).sort(
      (a, b) => hr(a.startTime) - hr(b.startTime),
    );
    for (const k of kids) walk(k, depth + 1);
  };
  for (const r of roots) walk(r, 0);
  return out;
}
const hr = (t: [number, number]) => t[0] * 1e9 + t[1];

afterEach(() => {
  trace.disable();
});

describe('tracing', () => {
  it('opens one invoke_agent span per agent run, nested like the agent tree', async () => {
    const { exporter, provider } = setup();
    const flow = new SequentialAgent({
      name: 'flow',
      subAgents: [
        say('writer'),
        new LoopAgent({ name: 'refine', subAgents: [say('critic')], maxIterations: 2 }),
        new ParallelAgent({ name: 'checks', subAgents: [say('grammar'), say('tone').pipe(retry(1))] }),
      ],
    });
    const runner = new Runner({
      appName: 'app',
      agent: flow,
      tracer: provider.getTracer('test'),
      idGenerator: sequentialIds(),
    });
    await lastValueFrom(runner.run({ userId: 'u', sessionId: 's', newMessage: 'go' }).pipe(toArray()));
    expect(tree(exporter.getFinishedSpans())).toEqual([
      'invoke_agent flow',
      '  invoke_agent writer',
      '  invoke_agent refine',
      '    invoke_agent critic',
      '    invoke_agent critic',
      '  invoke_agent checks',
      '    invoke_agent grammar',
      '    invoke_agent tone',
    ]);
    const writer = exporter.getFinishedSpans().find((s) => s.name === 'invoke_agent writer');
    expect(writer?.attributes).toMatchObject({
      'gen_ai.agent.name': 'writer',
      'rxagents.branch': 'flow.writer',
      'rxagents.invocation_id': 'inv-id1',
      'rxagents.event_count': 1,
      'rxagents.outcome': 'completed',
    });
    expect(
      exporter.getFinishedSpans().find((s) => s.name === 'invoke_agent flow')?.attributes[
        'rxagents.event_count'
      ],
    ).toBe(5);
  });

  it('records errors on the span and marks cancelled runs', async () => {
    const { exporter, provider } = setup();
    const failing = agent('failing', () => throwError(() => new Error('model down')));
    const runner = new Runner({ appName: 'app', agent: failing, tracer: provider.getTracer('test') });
    await expect(lastValueFrom(runner.run({ userId: 'u', sessionId: 's' }))).rejects.toThrow('model down');
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: 2, message: 'model down' });
    expect(span?.events.map((e) => e.name)).toEqual(['exception']);

    exporter.reset();
    const waiting = agent('waiting', () => NEVER);
    const sub = new Runner({ appName: 'app', agent: waiting, tracer: provider.getTracer('test') })
      .run({ userId: 'u', sessionId: 's' })
      .subscribe();
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    sub.unsubscribe();
    expect(exporter.getFinishedSpans()[0]?.attributes['rxagents.outcome']).toBe('cancelled');
  });

  it('uses the globally registered provider, and records nothing when none is registered', async () => {
    const { exporter, provider } = setup();
    const a = agent('a', (ctx) => {
      expect(ctx.startSpan('probe')).toBeUndefined();
      return of(ctx.newEvent({}));
    });
    await lastValueFrom(new Runner({ appName: 'app', agent: a }).run({ userId: 'u', sessionId: 's' }));
    trace.setGlobalTracerProvider(provider);
    const b = agent('b', (ctx) => {
      ctx.startSpan('call_llm', { 'gen_ai.request.model': 'scripted' })?.end();
      return of(ctx.newEvent({}));
    });
    await lastValueFrom(new Runner({ appName: 'app', agent: b }).run({ userId: 'u', sessionId: 's' }));
    expect(tree(exporter.getFinishedSpans())).toEqual(['invoke_agent b', '  call_llm']);
    expect(exporter.getFinishedSpans().find((s) => s.name === 'call_llm')?.attributes).toMatchObject({
      'gen_ai.agent.name': 'b',
      'gen_ai.request.model': 'scripted',
    });
  });
});

describe('span names', () => {
  it('parses the names the core opens back into operation and subject', () => {
    const name = spanName(SpanOperation.invokeAgent, 'story_flow');
    expect(name).toBe('invoke_agent story_flow');
    expect(parseSpanName(name)).toEqual({ operation: 'invoke_agent', subject: 'story_flow' });
    expect(parseSpanName('execute_tool web search')).toEqual({
      operation: 'execute_tool',
      subject: 'web search',
    });
  });

  it('leaves names rxagents did not give undefined', () => {
    expect(parseSpanName('HTTP GET')).toBeUndefined();
    expect(parseSpanName('invoke_agents x')).toBeUndefined();
  });
});
