import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { InvalidAgentOutputError, type InvocationContext } from '@rxagents/core';
import { isObservable, Observable, type SchedulerLike } from 'rxjs';
import type { GenerateOptions, LlmRequest, LlmResponse, Model } from '../Model.js';

/**
 * Calls the model under an AbortController owned by this subscription: unsubscribing before the
 * model completed aborts the signal the model was given. Also traces the call when tracing is on.
 */
export function callModel(
  model: Model,
  request: LlmRequest,
  ctx: InvocationContext,
  stream: boolean,
): Observable<LlmResponse> {
  return new Observable<LlmResponse>((subscriber) => {
    const options = new CallOptions(stream, ctx.scheduler);
    const span = ctx.startSpan(`call_llm ${model.name}`, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': model.name,
    });
    let done = false;
    const replies: unknown = model.generate(request, options);
    if (!isObservable(replies)) {
      span?.end();
      subscriber.error(
        new InvalidAgentOutputError(
          ctx.agent.name,
          `must return an Observable<LlmResponse>, got ${replies === null ? 'null' : typeof replies}`,
          `model '${model.name}'.generate`,
        ),
      );
      return;
    }
    const subscription = (replies as Observable<LlmResponse>).subscribe({
      next: (response) => {
        if (span !== undefined && response.partial !== true) traceResponse(span, response);
        subscriber.next(response);
      },
      error: (error: unknown) => {
        done = true;
        if (span !== undefined) {
          if (error instanceof Error) span.recordException(error);
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: error instanceof Error ? error.message : String(error),
          });
        }
        subscriber.error(error);
      },
      complete: () => {
        done = true;
        subscriber.complete();
      },
    });
    return () => {
      subscription.unsubscribe();
      if (!done) options.cancel();
      span?.end();
    };
  });
}

// Token usage and errors of a complete response, with the OpenTelemetry GenAI attribute names.
function traceResponse(span: Span, response: LlmResponse): void {
  const usage = response.usage;
  if (usage?.inputTokens !== undefined) span.setAttribute('gen_ai.usage.input_tokens', usage.inputTokens);
  if (usage?.outputTokens !== undefined) span.setAttribute('gen_ai.usage.output_tokens', usage.outputTokens);
  if (response.finishReason !== undefined)
    span.setAttribute('gen_ai.response.finish_reasons', [response.finishReason]);
  if (response.errorCode !== undefined) {
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: `${response.errorCode}: ${response.errorMessage ?? ''}`,
    });
  }
}

// The options of one model call. The AbortSignal is made when the model first reads `signal`: it
// is among the costliest objects of a call (~1.5 µs), and an instant or scripted model never
// looks at it. `signal` is an own enumerable accessor, so `{ ...options }` in a wrapping model
// still carries it (a getter on the prototype would be dropped by the spread). A class with one
// shared accessor descriptor: an object literal with a getter is slow to build, per call.
class CallOptions implements GenerateOptions {
  declare readonly signal: AbortSignal;
  private controller: AbortController | undefined;
  // Cancelled before the model finished: a signal read from then on is already aborted.
  private cancelled = false;

  constructor(
    readonly stream: boolean,
    readonly scheduler: SchedulerLike,
  ) {
    Object.defineProperty(this, 'signal', SIGNAL);
  }

  lazySignal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.cancelled) this.controller.abort();
    }
    return this.controller.signal;
  }

  cancel(): void {
    this.cancelled = true;
    this.controller?.abort();
  }
}

const SIGNAL: PropertyDescriptor = {
  enumerable: true,
  get(this: CallOptions): AbortSignal {
    return this.lazySignal();
  },
};
