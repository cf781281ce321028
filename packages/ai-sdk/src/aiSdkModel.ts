import type { FunctionCallPart, JsonValue, Part, Usage } from '@rxagents/core';
import type { GenerateOptions, LlmRequest, LlmResponse, Model } from '@rxagents/llm';
import {
  APICallError,
  generateText,
  jsonSchema,
  type LanguageModel,
  type LanguageModelUsage,
  Output,
  RetryError,
  streamText,
} from 'ai';
import { Observable, type Subscriber } from 'rxjs';
import { AiSdkModelError } from './AiSdkModelError.js';
import { type SdkCall, toSdkCall } from './internal/toSdkCall.js';

/**
 * Options of {@link aiSdkModel}.
 *
 * @example
 * ```ts
 * import { type AiSdkModelOptions, aiSdkModel } from '@rxagents/ai-sdk';
 * const options: AiSdkModelOptions = { name: 'openai:gpt-4o-mini', maxRetries: 2 };
 * const model = aiSdkModel(languageModel, options);
 * ```
 */
export interface AiSdkModelOptions {
  /** Label for logs and traces (`Model.name`). Default: the model's `provider:modelId`. */
  readonly name?: string;
  /**
   * Retries the AI SDK itself makes on retryable failures (429, 5xx). Default `0`: failures
   * surface at once, and the caller composes `retry`/`fallback` where it wants them.
   */
  readonly maxRetries?: number;
  /** Extra HTTP headers sent with every call. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Adapts any Vercel AI SDK (v6) language model to the rxagents {@link Model} interface.
 *
 * Each `generate` call returns a cold Observable: subscribing starts one `streamText` (when
 * `stream` is true) or `generateText` call; streamed text arrives as `partial: true` responses,
 * then one complete response carries the whole content (text, then function calls with their ids),
 * `finishReason`, `usage` and `turnComplete: true`. Tools are declared to the model without
 * `execute`, so the SDK never runs them: function calls are reported and `LlmAgent` runs them.
 * Unsubscribing aborts the HTTP request. A failed call errors the Observable with an
 * {@link AiSdkModelError} (HTTP status included).
 *
 * @example
 * ```ts
 * import { aiSdkModel } from '@rxagents/ai-sdk';
 * import { LlmAgent } from '@rxagents/llm';
 *
 * // Any AI SDK language model: a provider's model (createOpenAI()('gpt-4o-mini')) or a gateway id.
 * const model = aiSdkModel('openai/gpt-4o-mini', { maxRetries: 2 });
 * const writer = new LlmAgent({ name: 'writer', model, instruction: 'Write a haiku.' });
 * ```
 * @see openAICompatibleModel for OpenAI-compatible servers (Ollama, vLLM, OpenAI).
 * @param languageModel an AI SDK `LanguageModel` (a provider model or a gateway model id)
 * @param options `name`, `maxRetries` (default `0`), `headers`
 */
export function aiSdkModel(languageModel: LanguageModel, options: AiSdkModelOptions = {}): Model {
  const name = options.name ?? labelOf(languageModel);
  return {
    name,
    generate(request: LlmRequest, generateOptions: GenerateOptions): Observable<LlmResponse> {
      return new Observable<LlmResponse>((subscriber) => {
        // Per-subscription state: one controller per call, aborted in teardown or by the caller.
        const controller = new AbortController();
        const outer = generateOptions.signal;
        const abortedByCaller = (): AiSdkModelError =>
          new AiSdkModelError(name, "call aborted by the caller's signal", { cause: outer.reason });
        if (outer.aborted) {
          subscriber.error(abortedByCaller());
          return;
        }
        // Mapping first: if it throws, the error is routed to the subscriber with nothing to undo.
        const call = toSdkCall(request);
        const onOuterAbort = (): void => controller.abort(outer.reason);
        outer.addEventListener('abort', onOuterAbort, { once: true });

        const run = generateOptions.stream ? runStream : runGenerate;
        run(languageModel, call, options, controller.signal, subscriber).then(
          () => {
            if (outer.aborted) subscriber.error(abortedByCaller());
            else subscriber.complete();
          },
          // After unsubscription the subscriber is closed and drops this; a caller's abort
          // while still subscribed is reported as such rather than as the SDK's AbortError.
          (error: unknown) => subscriber.error(outer.aborted ? abortedByCaller() : toModelError(name, error)),
        );

        return () => {
          outer.removeEventListener('abort', onOuterAbort);
          controller.abort();
        };
      });
    },
  };
}

type Run = (
  languageModel: LanguageModel,
  call: SdkCall,
  options: AiSdkModelOptions,
  signal: AbortSignal,
  subscriber: Subscriber<LlmResponse>,
) => Promise<void>;

function commonSettings(
  languageModel: LanguageModel,
  call: SdkCall,
  options: AiSdkModelOptions,
  signal: AbortSignal,
) {
  return {
    model: languageModel,
    ...(call.system === undefined ? {} : { system: call.system }),
    messages: call.messages,
    ...(call.tools === undefined ? {} : { tools: call.tools }),
    ...(call.schema === undefined ? {} : { output: Output.object({ schema: jsonSchema(call.schema) }) }),
    ...call.settings,
    ...(options.headers === undefined ? {} : { headers: { ...options.headers } }),
    maxRetries: options.maxRetries ?? 0,
    abortSignal: signal,
  };
}

const runStream: Run = async (languageModel, call, options, signal, subscriber) => {
  const result = streamText({
    ...commonSettings(languageModel, call, options, signal),
    // Errors arrive as `error` parts of fullStream and are rethrown below; no console logging.
    onError: () => {},
  });
  let text = '';
  let thought = '';
  const calls: FunctionCallPart[] = [];
  let finishReason: string | undefined;
  let usage: Usage | undefined;
  for await (const part of result.fullStream) {
    if (subscriber.closed) return;
    switch (part.type) {
      case 'text-delta':
        if (part.text === '') break;
        text += part.text;
        subscriber.next({ content: { role: 'model', parts: [{ text: part.text }] }, partial: true });
        break;
      case 'reasoning-delta':
        if (part.text === '') break;
        thought += part.text;
        subscriber.next({
          content: { role: 'model', parts: [{ text: part.text, thought: true }] },
          partial: true,
        });
        break;
      case 'tool-call':
        calls.push(functionCall(part.toolCallId, part.toolName, part.input));
        break;
      case 'finish':
        finishReason = part.finishReason;
        usage = toUsage(part.totalUsage);
        break;
      case 'error':
        throw part.error;
      case 'abort':
        return;
      default:
        break;
    }
  }
  subscriber.next(complete(thought, text, calls, finishReason, usage));
};

const runGenerate: Run = async (languageModel, call, options, signal, subscriber) => {
  const result = await generateText(commonSettings(languageModel, call, options, signal));
  const calls = result.toolCalls.map((c) => functionCall(c.toolCallId, c.toolName, c.input));
  subscriber.next(
    complete(result.reasoningText ?? '', result.text, calls, result.finishReason, toUsage(result.usage)),
  );
};

function complete(
  thought: string,
  text: string,
  calls: readonly FunctionCallPart[],
  finishReason: string | undefined,
  usage: Usage | undefined,
): LlmResponse {
  const parts: Part[] = [];
  if (thought !== '') parts.push({ text: thought, thought: true });
  if (text !== '') parts.push({ text });
  parts.push(...calls);
  return {
    content: { role: 'model', parts },
    turnComplete: true,
    ...(finishReason === undefined ? {} : { finishReason }),
    ...(usage === undefined ? {} : { usage }),
  };
}

function functionCall(id: string, name: string, input: unknown): FunctionCallPart {
  return { functionCall: { id, name, args: toArgs(input) } };
}

/** Tool input as an arguments object; unparseable input becomes `{}` and LlmAgent reports it. */
function toArgs(input: unknown): Readonly<Record<string, JsonValue>> {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return {};
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, JsonValue>)
    : {};
}

function toUsage(usage: LanguageModelUsage | undefined): Usage | undefined {
  if (usage === undefined) return undefined;
  const out: { inputTokens?: number; outputTokens?: number; totalTokens?: number } = {};
  if (usage.inputTokens !== undefined) out.inputTokens = usage.inputTokens;
  if (usage.outputTokens !== undefined) out.outputTokens = usage.outputTokens;
  if (usage.totalTokens !== undefined) out.totalTokens = usage.totalTokens;
  return Object.keys(out).length === 0 ? undefined : out;
}

function toModelError(name: string, error: unknown): AiSdkModelError {
  if (error instanceof AiSdkModelError) return error;
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  if (APICallError.isInstance(cause)) {
    const status = cause.statusCode === undefined ? 'request failed' : `HTTP ${cause.statusCode}`;
    return new AiSdkModelError(name, `${status} from ${cause.url}: ${cause.message}`, {
      statusCode: cause.statusCode,
      url: cause.url,
      responseBody: cause.responseBody,
      isRetryable: cause.isRetryable,
      cause: error,
    });
  }
  return new AiSdkModelError(name, describe(cause), { cause: error });
}

/** A readable message for what a stream's `error` part carries: an Error or the provider's error object. */
function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'object' && value !== null) {
    const message = (value as { message?: unknown }).message;
    if (typeof message === 'string') return message;
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

function labelOf(languageModel: LanguageModel): string {
  return typeof languageModel === 'string'
    ? languageModel
    : `${languageModel.provider}:${languageModel.modelId}`;
}
