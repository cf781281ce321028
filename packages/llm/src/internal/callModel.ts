import type { InvocationContext } from '@rxagents/core';
import { Observable } from 'rxjs';
import type { LlmRequest, LlmResponse, Model } from '../Model.js';

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
    const controller = new AbortController();
    const span = ctx.startSpan(`call_llm ${model.name}`, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': model.name,
    });
    let done = false;
    const subscription = model
      .generate(request, { stream, signal: controller.signal, scheduler: ctx.scheduler })
      .subscribe({
        next: (response) => subscriber.next(response),
        error: (error: unknown) => {
          done = true;
          subscriber.error(error);
        },
        complete: () => {
          done = true;
          subscriber.complete();
        },
      });
    return () => {
      subscription.unsubscribe();
      if (!done) controller.abort();
      span?.end();
    };
  });
}
