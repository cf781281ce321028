import type { Content, JsonObject, Usage } from '@rxagents/core';
import type { Observable, SchedulerLike } from 'rxjs';

/** A tool as the model sees it: name, description and a JSON Schema of its arguments. */
export interface ToolDeclaration {
  readonly name: string;
  readonly description: string;
  /** JSON Schema (draft 2020-12 subset) of the arguments object. */
  readonly parameters: JsonObject;
}

/** Everything a model needs for one call. */
export interface LlmRequest {
  /** Name of the agent making the call (scripted models match on it). */
  readonly agentName: string;
  /** The system instruction, already templated from state. */
  readonly systemInstruction?: string;
  /** Conversation so far, oldest first. */
  readonly contents: readonly Content[];
  readonly tools?: readonly ToolDeclaration[];
  /** JSON Schema the final text must satisfy (from `outputSchema`). */
  readonly responseSchema?: JsonObject;
  readonly config?: {
    readonly temperature?: number;
    readonly maxOutputTokens?: number;
    readonly topP?: number;
    readonly stopSequences?: readonly string[];
  };
}

/**
 * One answer (or one streamed chunk of it) from a model. A streamed answer is a run of
 * `partial: true` chunks followed by one complete response holding the whole content.
 */
export interface LlmResponse {
  readonly content?: Content;
  readonly partial?: boolean;
  readonly turnComplete?: boolean;
  /** `'stop'`, `'length'`, `'tool-calls'`, `'content-filter'`, `'error'`, `'other'`. */
  readonly finishReason?: string;
  readonly usage?: Usage;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

/** Per-call options given to {@link Model.generate}. */
export interface GenerateOptions {
  /** Stream partial chunks before the complete response. */
  readonly stream: boolean;
  /** Aborted when the caller unsubscribes; adapters must cancel their request on it. */
  readonly signal: AbortSignal;
  /** The invocation's scheduler: models that simulate latency must use it, never timers. */
  readonly scheduler: SchedulerLike;
}

/**
 * A language model as a cold Observable: subscribing makes the call, unsubscribing cancels it.
 * Implemented by `scriptedModel` (offline, deterministic) and `@rxagents/ai-sdk` (real providers).
 */
export interface Model {
  /** A label for logs and traces, e.g. `'scripted'` or `'openai:gpt-4o-mini'`. */
  readonly name: string;
  generate(request: LlmRequest, options: GenerateOptions): Observable<LlmResponse>;
}
