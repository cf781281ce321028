import {
  type Attributes,
  type Context,
  context as otelContext,
  ProxyTracerProvider,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';

/** The tracer of one invocation and the OpenTelemetry context of the span that encloses a run. */
export interface TraceScope {
  readonly tracer: Tracer;
  readonly context: Context;
}

const TRACER_NAME = '@rxagents/core';

/**
 * The tracer to use, or undefined when no tracer provider is registered. Asking the global proxy
 * for its delegate costs nothing and allocates nothing, which keeps tracing free when it is off.
 */
export function globalTracer(): Tracer | undefined {
  const provider = trace.getTracerProvider();
  if (provider instanceof ProxyTracerProvider) return provider.getDelegateTracer(TRACER_NAME);
  return provider.getTracer(TRACER_NAME);
}

/** Starts a child span of the scope; returns the span and the scope beneath it. */
export function startSpan(scope: TraceScope, name: string, attributes: Attributes): [Span, TraceScope] {
  const span = scope.tracer.startSpan(name, { attributes }, scope.context);
  return [span, { tracer: scope.tracer, context: trace.setSpan(scope.context, span) }];
}

/** Records an error on a span. */
export function failSpan(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

/** The root scope of an invocation. */
export function rootScope(tracer: Tracer | undefined): TraceScope | undefined {
  return tracer === undefined ? undefined : { tracer, context: otelContext.active() };
}
