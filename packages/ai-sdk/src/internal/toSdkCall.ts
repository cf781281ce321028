import type { Content, JsonObject, JsonValue } from '@rxagents/core';
import type { LlmRequest } from '@rxagents/llm';
import {
  type AssistantModelMessage,
  type JSONSchema7,
  type JSONValue,
  jsonSchema,
  type ModelMessage,
  type ToolResultPart,
  type ToolSet,
  tool,
} from 'ai';

/** @internal The request converted to `streamText` / `generateText` options. */
export interface SdkCall {
  readonly system: string | undefined;
  readonly messages: ModelMessage[];
  readonly tools: ToolSet | undefined;
  readonly schema: JSONSchema7 | undefined;
  readonly settings: {
    temperature?: number;
    maxOutputTokens?: number;
    topP?: number;
    stopSequences?: string[];
  };
}

/**
 * @internal Our Gemini-shaped request → AI SDK messages. User text → user message; function
 * responses → one `tool` message; model content → an assistant message with text, reasoning
 * (thought parts) and tool calls. Calls without an id get a stable one (`<name>_<n>`), and a
 * response without an id is paired with the oldest unanswered call of the same name.
 */
export function toSdkCall(request: LlmRequest): SdkCall {
  const pending = new Map<string, string[]>();
  let generated = 0;
  const messages: ModelMessage[] = [];
  for (const content of request.contents) pushContent(content);

  const settings: SdkCall['settings'] = {};
  const config = request.config;
  if (config?.temperature !== undefined) settings.temperature = config.temperature;
  if (config?.maxOutputTokens !== undefined) settings.maxOutputTokens = config.maxOutputTokens;
  if (config?.topP !== undefined) settings.topP = config.topP;
  if (config?.stopSequences !== undefined) settings.stopSequences = [...config.stopSequences];

  let tools: ToolSet | undefined;
  if (request.tools !== undefined && request.tools.length > 0) {
    tools = {};
    for (const declaration of request.tools) {
      // No `execute`: the SDK only reports the call; LlmAgent runs the tool. No `validate`
      // either: LlmAgent validates arguments itself and answers bad ones with an error response.
      tools[declaration.name] = tool({
        description: declaration.description,
        inputSchema: jsonSchema<Record<string, unknown>>(asSchema(declaration.parameters)),
      });
    }
  }

  return {
    system: request.systemInstruction,
    messages,
    tools,
    schema: request.responseSchema === undefined ? undefined : asSchema(request.responseSchema),
    settings,
  };

  function pushContent(content: Content): void {
    if (content.role === 'model') {
      const parts: Exclude<AssistantModelMessage['content'], string> = [];
      for (const part of content.parts) {
        if ('text' in part) {
          parts.push(
            part.thought === true
              ? { type: 'reasoning', text: part.text }
              : { type: 'text', text: part.text },
          );
        } else if ('functionCall' in part) {
          const { name, args } = part.functionCall;
          const id = part.functionCall.id ?? `${name}_${generated++}`;
          const queue = pending.get(name) ?? [];
          queue.push(id);
          pending.set(name, queue);
          parts.push({ type: 'tool-call', toolCallId: id, toolName: name, input: args });
        }
        // A function response authored by the model is not meaningful; it is dropped.
      }
      if (parts.length > 0) messages.push({ role: 'assistant', content: parts });
      return;
    }
    const texts: { type: 'text'; text: string }[] = [];
    const results: ToolResultPart[] = [];
    for (const part of content.parts) {
      if ('text' in part) {
        if (part.thought !== true) texts.push({ type: 'text', text: part.text });
      } else if ('functionResponse' in part) {
        const { name, response } = part.functionResponse;
        const queue = pending.get(name);
        const id = part.functionResponse.id ?? queue?.shift() ?? `${name}_${generated++}`;
        if (part.functionResponse.id !== undefined && queue !== undefined) {
          const at = queue.indexOf(id);
          if (at >= 0) queue.splice(at, 1);
        }
        results.push({
          type: 'tool-result',
          toolCallId: id,
          toolName: name,
          output: { type: 'json', value: toJsonValue(response) },
        });
      }
    }
    if (results.length > 0) messages.push({ role: 'tool', content: results });
    if (texts.length > 0) messages.push({ role: 'user', content: texts });
  }
}

function asSchema(schema: JsonObject): JSONSchema7 {
  // Our JsonObject is a JSON Schema document by contract (Model.ts); JSONSchema7 is its SDK type.
  return schema as unknown as JSONSchema7;
}

function toJsonValue(value: Readonly<Record<string, JsonValue>>): JSONValue {
  // Our readonly JSON type → the SDK's mutable JSONValue view; the value is never mutated.
  return value as unknown as JSONValue;
}
