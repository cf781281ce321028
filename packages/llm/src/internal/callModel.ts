import { type Span, SpanStatusCode } from '@opentelemetry/api';
import {
  fromAbortable,
  InvalidAgentOutputError,
  type InvocationContext,
  SpanAttribute,
  SpanOperation,
  spanName,
} from '@rxagents/core';
import { finalize, isObservable, type Observable, tap } from 'rxjs';
import type { LlmRequest, LlmResponse, Model } from '../Model.js';
import { callOptions } from './lazySignal.js';

/**
 * Calls the model with a signal that unsubscribing before the model completed aborts, and traces
 * the call (`call_llm`) when tracing is on. `check` runs first, on subscription; it may throw to
 * refuse the call.
 */
export function callModel(
  model: Model,
  request: LlmRequest,
  ctx: InvocationContext,
  stream: boolean,
  check: () => void,
): Observable<LlmResponse> {
  return fromAbortable((scope) => {
    check();
    const replies: unknown = model.generate(request, callOptions(stream, ctx.scheduler, scope));
    if (!isObservable(replies)) {
      throw new InvalidAgentOutputError(
        ctx.agent.name,
        `must return an Observable<LlmResponse>, got ${replies === null ? 'null' : typeof replies}`,
        `model '${model.name}'.generate`,
      );
    }
    // Tracing off (no trace scope): the span's name and attributes are not even built. Measured
    // with this file's twin in toolCall.ts (callgrind, bench/count.sh): see there.
    const span =
      ctx.traceScope === undefined
        ? undefined
        : ctx.startSpan(spanName(SpanOperation.callLlm, model.name), {
            [SpanAttribute.operationName]: 'chat',
            [SpanAttribute.requestModel]: model.name,
          });
    return span === undefined
      ? (replies as Observable<LlmResponse>)
      : traced(span, replies as Observable<LlmResponse>);
  });
}

function traced(span: Span, replies: Observable<LlmResponse>): Observable<LlmResponse> {
  return replies.pipe(
    tap({
      next: (response) => {
        if (response.partial !== true) traceResponse(span, response);
      },
      error: (error: unknown) => {
        if (error instanceof Error) span.recordException(error);
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
      },
    }),
    finalize(() => span.end()),
  );
}

// Token usage and errors of a complete response, with the OpenTelemetry GenAI attribute names.
function traceResponse(span: Span, response: LlmResponse): void {
  const usage = response.usage;
  if (usage?.inputTokens !== undefined) span.setAttribute(SpanAttribute.inputTokens, usage.inputTokens);
  if (usage?.outputTokens !== undefined) span.setAttribute(SpanAttribute.outputTokens, usage.outputTokens);
  if (response.finishReason !== undefined)
    span.setAttribute(SpanAttribute.finishReasons, [response.finishReason]);
  if (response.errorCode !== undefined) {
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: `${response.errorCode}: ${response.errorMessage ?? ''}`,
    });
  }
}
