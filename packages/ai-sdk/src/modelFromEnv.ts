import type { Model } from '@rxagents/llm';
import { openAICompatibleModel } from './openAICompatibleModel.js';

/**
 * Environment variables as `process.env` holds them; what {@link modelFromEnv} reads.
 *
 * @example
 * ```ts
 * import { type ModelEnv, modelFromEnv } from '@rxagents/ai-sdk';
 * const env: ModelEnv = { RXAGENTS_BASE_URL: 'http://localhost:11434/v1', RXAGENTS_MODEL: 'llama3.2' };
 * const model = modelFromEnv(env);
 * ```
 */
export type ModelEnv = Readonly<Record<string, string | undefined>>;

/**
 * An OpenAI-compatible {@link Model} configured from the environment, or `undefined` when
 * `RXAGENTS_BASE_URL` or `RXAGENTS_MODEL` is unset (so callers fall back to a scripted model).
 * Reads `RXAGENTS_BASE_URL`, `RXAGENTS_MODEL` and the optional `RXAGENTS_API_KEY`.
 *
 * @example
 * ```ts
 * import { modelFromEnv } from '@rxagents/ai-sdk';
 * import { scriptedModel } from '@rxagents/llm';
 * const model = modelFromEnv(process.env) ?? scriptedModel([{ respond: 'A scripted story.' }]);
 * ```
 * @see openAICompatibleModel
 * @param env the variables to read; default `process.env` (an empty record where there is none)
 */
export function modelFromEnv(env: ModelEnv = processEnv()): Model | undefined {
  const baseURL = nonEmpty(env.RXAGENTS_BASE_URL);
  const model = nonEmpty(env.RXAGENTS_MODEL);
  if (baseURL === undefined || model === undefined) return undefined;
  const apiKey = nonEmpty(env.RXAGENTS_API_KEY);
  return openAICompatibleModel({ baseURL, model, ...(apiKey === undefined ? {} : { apiKey }) });
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

function processEnv(): ModelEnv {
  // No `node:` import and no Node typings needed: a browser simply has no process.
  const holder = globalThis as { process?: { env?: ModelEnv } };
  return holder.process?.env ?? {};
}
