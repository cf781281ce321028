import { RxAgentsError, registerErrorClass } from '@rxagents/core';

// The extra fields are parameter properties: each class is its message, its code and the
// fields it adds, with no declare-then-assign lines around them.

/**
 * An invocation made more model calls than `runConfig.maxLlmCalls` allows (ADK's
 * `LlmCallsLimitExceededError`). Raised as the error of the agent's Observable.
 * Its `code` is `'LLM_CALLS_LIMIT_EXCEEDED'`.
 *
 * @example
 * ```ts
 * import { InMemorySessionService, Runner } from '@rxagents/core';
 * import { LlmAgent, LlmCallsLimitExceededError, scriptedModel } from '@rxagents/llm';
 *
 * const writer = new LlmAgent({ name: 'writer', model: scriptedModel([{ respond: 'A draft.' }]) });
 * const runner = new Runner({
 *   appName: 'stories',
 *   agent: writer,
 *   sessionService: new InMemorySessionService(),
 *   runConfig: { maxLlmCalls: 20 },
 * });
 * runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }).subscribe({
 *   error: (e: unknown) => e instanceof LlmCallsLimitExceededError && console.log(e.limit), // 20
 * });
 * ```
 */
export class LlmCallsLimitExceededError extends RxAgentsError {
  constructor(
    agent: string,
    readonly limit: number,
  ) {
    super(
      'LLM_CALLS_LIMIT_EXCEEDED',
      `Agent '${agent}': runConfig.maxLlmCalls: more than ${limit} model calls in one invocation`,
      { agent, field: 'maxLlmCalls' },
    );
  }
}

/**
 * An instruction template names a state key (`{key}`) that the state does not hold. Write
 * `{key?}` for a key that may be missing (it is then replaced by the empty string).
 *
 * @example
 * ```ts
 * import { MissingStateKeyError } from '@rxagents/llm';
 * // new LlmAgent({ name: 'critic', instruction: 'Criticise {current_story}', model })
 * // with no current_story in state fails with MissingStateKeyError { agent: 'critic', key: 'current_story' }
 * ```
 */
export class MissingStateKeyError extends RxAgentsError {
  constructor(
    agent: string,
    /** The state key the template asked for. */
    readonly key: string,
  ) {
    super(
      'INVALID_STATE',
      `Agent '${agent}': instruction: state key '${key}' is missing (write {${key}?} if it may be absent)`,
      { agent, field: 'instruction' },
    );
  }
}

/**
 * `errorCode` of the event an `LlmAgent` emits when its final text does not match `outputSchema`.
 *
 * @example
 * ```ts
 * import { type Event } from '@rxagents/core';
 * import { OUTPUT_SCHEMA_MISMATCH } from '@rxagents/llm';
 *
 * // The model's final text did not parse as the agent's outputSchema: ask again, or show the raw text.
 * const mismatched = (event: Event) => event.errorCode === OUTPUT_SCHEMA_MISMATCH;
 * ```
 */
export const OUTPUT_SCHEMA_MISMATCH = 'OUTPUT_SCHEMA_MISMATCH';

/**
 * A tool was built with options that cannot work: a name the model APIs reject, no `execute`
 * function, no parameters schema. Code `INVALID_AGENT_CONFIG` (a tool is part of an agent's
 * configuration); `tool` names the tool and `field` the option.
 *
 * @example
 * ```ts
 * import { InvalidToolConfigError } from '@rxagents/llm';
 * // functionTool({ name: 'bad name', … }) throws InvalidToolConfigError { tool: 'bad name', field: 'name' }
 * ```
 */
export class InvalidToolConfigError extends RxAgentsError {
  constructor(
    /** The name of the tool at fault, as given. */
    readonly tool: string,
    field: string,
    message: string,
  ) {
    super('INVALID_AGENT_CONFIG', `Tool '${tool}': ${field}: ${message}`, { field });
  }
}

// Rebuilt as their own classes when they cross a process boundary (see registerErrorClass).
registerErrorClass('LLM_CALLS_LIMIT_EXCEEDED', LlmCallsLimitExceededError);
registerErrorClass('INVALID_STATE', MissingStateKeyError);
registerErrorClass('INVALID_AGENT_CONFIG', InvalidToolConfigError);
