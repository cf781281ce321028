import type { JsonValue } from './json.js';

/** Who produced a piece of conversation content. */
export type Role = 'user' | 'model';

/** Plain text, possibly a model's "thought" when `thought` is set. */
export interface TextPart {
  readonly text: string;
  readonly thought?: boolean;
}

/** A model asking for a tool to be called. */
export interface FunctionCallPart {
  readonly functionCall: {
    readonly id?: string;
    readonly name: string;
    readonly args: Readonly<Record<string, JsonValue>>;
  };
}

/** The answer of a tool, sent back to the model. */
export interface FunctionResponsePart {
  readonly functionResponse: {
    readonly id?: string;
    readonly name: string;
    readonly response: Readonly<Record<string, JsonValue>>;
  };
}

/** One element of a {@link Content}: text, a function call or a function response. */
export type Part = TextPart | FunctionCallPart | FunctionResponsePart;

/** A turn of conversation: who said it and what, in parts (the Gemini / ADK shape). */
export interface Content {
  readonly role: Role;
  readonly parts: readonly Part[];
}

/**
 * Builds a one-part text {@link Content}.
 *
 * The default role is `'model'` because agents produce most content; the `Runner` stamps the
 * user's message with `'user'` itself.
 *
 * @example
 * ```ts
 * import { agent, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * const teller = agent('teller', (ctx) => of(ctx.newEvent({ content: text('Once upon a time…') })));
 * ```
 * @param value the text
 * @param role `'model'` (default) or `'user'`
 */
export function text(value: string, role: Role = 'model'): Content {
  return Object.freeze({ role, parts: Object.freeze([Object.freeze({ text: value })]) });
}

/**
 * True when the part is a {@link TextPart}.
 *
 * @example
 * ```ts
 * import { isTextPart, text } from '@rxagents/core';
 * const words = text('once upon a time').parts.filter(isTextPart).map((part) => part.text);
 * ```
 */
export function isTextPart(part: Part): part is TextPart {
  return 'text' in part;
}

/**
 * True when the part is a {@link FunctionCallPart}.
 *
 * @example
 * ```ts
 * import { type Event, isFunctionCallPart } from '@rxagents/core';
 * const calledTools = (event: Event) =>
 *   (event.content?.parts ?? []).filter(isFunctionCallPart).map((part) => part.functionCall.name);
 * ```
 */
export function isFunctionCallPart(part: Part): part is FunctionCallPart {
  return 'functionCall' in part;
}

/**
 * True when the part is a {@link FunctionResponsePart}.
 *
 * @example
 * ```ts
 * import { type Event, isFunctionResponsePart } from '@rxagents/core';
 * const toolResults = (event: Event) =>
 *   (event.content?.parts ?? []).filter(isFunctionResponsePart).map((part) => part.functionResponse.response);
 * ```
 */
export function isFunctionResponsePart(part: Part): part is FunctionResponsePart {
  return 'functionResponse' in part;
}

/**
 * Joins the text parts of a content (thoughts excluded); `''` when there is none.
 *
 * @example
 * ```ts
 * import { text, textOf } from '@rxagents/core';
 * textOf(text('hello')); // 'hello'
 * ```
 */
export function textOf(content: Content | undefined): string {
  if (content === undefined) return '';
  let out = '';
  for (const part of content.parts) {
    if ('text' in part && part.thought !== true) out += part.text;
  }
  return out;
}
