import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { Model } from '@rxagents/llm';
import { aiSdkModel } from './aiSdkModel.js';

/**
 * Options of {@link openAICompatibleModel}.
 *
 * @example
 * ```ts
 * import { type OpenAICompatibleModelOptions, openAICompatibleModel } from '@rxagents/ai-sdk';
 * const options: OpenAICompatibleModelOptions = {
 *   baseURL: 'https://api.openai.com/v1',
 *   model: 'gpt-4o-mini',
 *   apiKey: 'sk-…',
 *   structuredOutputs: true,
 * };
 * const model = openAICompatibleModel(options);
 * ```
 */
export interface OpenAICompatibleModelOptions {
  /** Base URL of the API, up to `/v1`, e.g. `'http://localhost:11434/v1'` for Ollama. */
  readonly baseURL: string;
  /** Model id as the server knows it, e.g. `'gpt-4o-mini'` or `'llama3.2'`. */
  readonly model: string;
  /** Sent as `Authorization: Bearer <apiKey>`; omit for local servers that need none. */
  readonly apiKey?: string;
  /** Provider label used in `Model.name` (`'<name>:<model>'`). Default `'openai-compatible'`. */
  readonly name?: string;
  /** Retries the SDK makes on 429/5xx. Default `0`. */
  readonly maxRetries?: number;
  /** Extra HTTP headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The server accepts `response_format: { type: 'json_schema' }` (OpenAI, vLLM). Default
   * `false`: a `responseSchema` is requested as `json_object`, which every compatible server takes.
   */
  readonly structuredOutputs?: boolean;
}

/**
 * A {@link Model} for any server speaking the OpenAI chat-completions API: OpenAI, Ollama, vLLM,
 * LM Studio, llama.cpp's server… Built on `@ai-sdk/openai-compatible` and {@link aiSdkModel};
 * streamed calls ask for token usage (`stream_options.include_usage`).
 *
 * @example
 * ```ts
 * import { openAICompatibleModel } from '@rxagents/ai-sdk';
 * const model = openAICompatibleModel({ baseURL: 'http://localhost:11434/v1', model: 'llama3.2' });
 * ```
 * @see modelFromEnv to configure it from `RXAGENTS_*` environment variables.
 * @param options `baseURL`, `model`, `apiKey?`, `name` (default `'openai-compatible'`), `maxRetries` (default `0`), `headers?`,
 *   `structuredOutputs` (default `false`)
 */
export function openAICompatibleModel(options: OpenAICompatibleModelOptions): Model {
  const providerName = options.name ?? 'openai-compatible';
  const provider = createOpenAICompatible({
    name: providerName,
    baseURL: options.baseURL,
    ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    includeUsage: true,
    ...(options.structuredOutputs === undefined
      ? {}
      : { supportsStructuredOutputs: options.structuredOutputs }),
  });
  return aiSdkModel(provider.chatModel(options.model), {
    name: `${providerName}:${options.model}`,
    ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  });
}
