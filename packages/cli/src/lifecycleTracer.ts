import type { Context, Tracer } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  type ReadableSpan,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { parseSpanName, SpanAttribute, SpanOperation } from '@rxagents/core';

/** An agent run, model call or tool call starting or ending, as seen through the core's spans. */
export type LifecycleSignal =
  | { readonly type: 'agentStart'; readonly name: string; readonly branch: string }
  | {
      readonly type: 'agentEnd';
      readonly name: string;
      readonly branch: string;
      /** `completed`, `error` or `cancelled` (the core's `rxagents.outcome`). */
      readonly outcome: string;
    }
  | { readonly type: 'modelCall'; readonly branch: string }
  | { readonly type: 'toolCall'; readonly branch: string; readonly name: string };

/**
 * An OpenTelemetry tracer that exports nothing and turns the spans the core opens
 * (`invoke_agent <name>`, `call_llm <model>`, `execute_tool <name>`) into {@link LifecycleSignal}s:
 * the event stream says what agents said, the spans say when they started and stopped.
 *
 * @example
 * ```ts
 * import { lifecycleTracer } from '@rxagents/cli';
 * import { agent, InMemorySessionService, Runner, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 *
 * const flow = agent('flow', (ctx) => of(ctx.newEvent({ content: text('Once upon a time…') })));
 * const { tracer } = lifecycleTracer((signal) => console.log(signal.type, signal.branch));
 * new Runner({ appName: 'app', agent: flow, sessionService: new InMemorySessionService(), tracer })
 *   .run({ userId: 'u', sessionId: 's', newMessage: 'hi' })
 *   .subscribe(); // agentStart flow, agentEnd flow
 * ```
 * @param listener called synchronously as spans start and end
 */
export function lifecycleTracer(listener: (signal: LifecycleSignal) => void): {
  readonly tracer: Tracer;
  readonly provider: BasicTracerProvider;
} {
  const processor: SpanProcessor = {
    onStart(span: Span, _parent: Context): void {
      const parsed = parseSpanName(span.name);
      const branch = String(span.attributes[SpanAttribute.branch] ?? '');
      if (parsed?.operation === SpanOperation.invokeAgent) {
        listener({ type: 'agentStart', name: parsed.subject, branch });
      } else if (parsed?.operation === SpanOperation.callLlm) {
        listener({ type: 'modelCall', branch });
      } else if (parsed?.operation === SpanOperation.executeTool) {
        listener({ type: 'toolCall', branch, name: parsed.subject });
      }
    },
    onEnd(span: ReadableSpan): void {
      const parsed = parseSpanName(span.name);
      if (parsed?.operation !== SpanOperation.invokeAgent) return;
      listener({
        type: 'agentEnd',
        name: parsed.subject,
        branch: String(span.attributes[SpanAttribute.branch] ?? ''),
        outcome: String(span.attributes[SpanAttribute.outcome] ?? 'completed'),
      });
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  return { tracer: provider.getTracer('@rxagents/cli'), provider };
}
