import { RxAgentsError, registerErrorClass } from '@rxagents/core';

/**
 * A model call through the Vercel AI SDK failed: the provider answered with an HTTP error, the
 * network failed, or the stream reported an error. Raised as the **error of the Observable**
 * returned by `aiSdkModel(…).generate(…)`, so `retry`, `timeout` and `fallback` operators apply.
 *
 * `statusCode` holds the HTTP status when the provider answered (e.g. `500`), and the message
 * names it (`"Model 'x': HTTP 500 from http://…: …"`), so a failed call is never silent.
 *
 * @example
 * ```ts
 * import { AiSdkModelError, openAICompatibleModel } from '@rxagents/ai-sdk';
 * import { LlmAgent } from '@rxagents/llm';
 *
 * const model = openAICompatibleModel({ baseURL: 'http://localhost:11434/v1', model: 'llama3.2' });
 * const writer = new LlmAgent({ name: 'writer', model, instruction: 'Write a haiku.' });
 * // What a run's error handler can tell the user: the provider's status and whether to try again.
 * const explain = (error: unknown) =>
 *   error instanceof AiSdkModelError ? `${error.model}: HTTP ${error.statusCode ?? '-'}, retryable ${error.isRetryable}` : String(error);
 * ```
 */
export class AiSdkModelError extends RxAgentsError {
  /** Label of the model that failed (`Model.name`). */
  readonly model: string;
  /** HTTP status of the provider's answer, when there was one. */
  readonly statusCode: number | undefined;
  /** The URL that was called, when known. */
  readonly url: string | undefined;
  /** The provider's response body, when there was one. */
  readonly responseBody: string | undefined;
  /** Whether the provider marked the failure as retryable (429, 5xx…). */
  readonly isRetryable: boolean;

  constructor(
    model: string,
    message: string,
    details: {
      statusCode?: number | undefined;
      url?: string | undefined;
      responseBody?: string | undefined;
      isRetryable?: boolean | undefined;
      cause?: unknown;
    } = {},
  ) {
    // `code` is 'MODEL_CALL_FAILED'; the agent is not known at the model layer.
    super('MODEL_CALL_FAILED', `Model '${model}': ${message}`, { field: 'model', cause: details.cause });
    this.model = model;
    this.statusCode = details.statusCode;
    this.url = details.url;
    this.responseBody = details.responseBody;
    this.isRetryable = details.isRetryable ?? false;
  }
}

// Rebuilt as its own class when it crosses a process boundary (see registerErrorClass).
registerErrorClass('MODEL_CALL_FAILED', AiSdkModelError);
