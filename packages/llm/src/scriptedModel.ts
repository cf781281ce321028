import type { Content, JsonValue, Part, Usage } from '@rxagents/core';
import { concat, concatMap, defer, from, map, type Observable, of, timer } from 'rxjs';
import type { GenerateOptions, LlmRequest, LlmResponse, Model } from './Model.js';

/** One function call a scripted reply asks for. */
export interface ScriptedFunctionCall {
  readonly name: string;
  readonly args?: Readonly<Record<string, JsonValue>>;
  readonly id?: string;
}

/**
 * What a rule answers: plain text, `{ text }`, `{ json }` (serialised as the text), `{ functionCalls }`,
 * `{ error }` (an error response), or a complete {@link LlmResponse} as `{ response }`.
 */
export type ScriptedReply =
  | string
  | { readonly text: string; readonly usage?: Usage }
  | { readonly json: JsonValue }
  | { readonly functionCalls: readonly ScriptedFunctionCall[]; readonly text?: string }
  | { readonly error: { readonly code: string; readonly message: string } }
  | { readonly response: LlmResponse };

/** What a computed reply sees besides the request. */
export interface ScriptedCall {
  /** 1-based count of the requests this rule has answered, this one included. */
  readonly call: number;
  /** Text of the last `user` content of the request (`''` when none). */
  readonly lastUserText: string;
}

/**
 * A rule of a {@link scriptedModel}: every given matcher must hold; the first matching rule answers.
 *
 * `respond` is one reply (used every time), a list (the n-th match gets the n-th reply; when the
 * list is used up the rule stops matching), or a function computing the reply from the request.
 */
export interface ScriptedRule {
  /** Matches `request.agentName`. */
  readonly agent?: string;
  /** Substring of, or pattern over, the system instruction. */
  readonly instruction?: string | RegExp;
  /** Substring of, or pattern over, the last user text. */
  readonly userText?: string | RegExp;
  /** Any other condition. */
  readonly when?: (request: LlmRequest) => boolean;
  readonly respond:
    | ScriptedReply
    | readonly ScriptedReply[]
    | ((request: LlmRequest, call: ScriptedCall) => ScriptedReply);
}

/** Options of {@link scriptedModel}. */
export interface ScriptedModelOptions {
  /** Model name for logs. Default `'scripted'`. */
  readonly name?: string;
  /** Virtual milliseconds before the first chunk (on `GenerateOptions.scheduler`). Default 0. */
  readonly latency?: number;
  /** When the caller streams, the number of partial chunks a text is cut into. Default 1. */
  readonly chunks?: number;
  /** Virtual milliseconds between streamed chunks. Default 0. */
  readonly chunkInterval?: number;
}

/** A scripted model, with the requests it received (oldest first) for assertions. */
export interface ScriptedModel extends Model {
  readonly requests: readonly LlmRequest[];
}

/**
 * `errorCode` of the response a scripted model gives to a request no rule matches.
 *
 * @example
 * ```ts
 * import { type Event } from '@rxagents/core';
 * import { SCRIPT_NO_MATCH } from '@rxagents/llm';
 *
 * // In a test, a scripted model that met a request none of its rules expected.
 * const unscripted = (events: readonly Event[]) => events.filter((e) => e.errorCode === SCRIPT_NO_MATCH);
 * ```
 */
export const SCRIPT_NO_MATCH = 'SCRIPT_NO_MATCH';

function lastUserText(request: LlmRequest): string {
  for (let i = request.contents.length - 1; i >= 0; i--) {
    const content = request.contents[i]!;
    if (content.role !== 'user') continue;
    let out = '';
    for (const part of content.parts) if ('text' in part) out += part.text;
    if (out !== '') return out;
  }
  return '';
}

function matches(pattern: string | RegExp | undefined, value: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? value.includes(pattern) : pattern.test(value);
}

function toResponse(reply: ScriptedReply): LlmResponse {
  if (typeof reply === 'string') return textResponse(reply);
  if ('response' in reply) return reply.response;
  if ('error' in reply) {
    return {
      errorCode: reply.error.code,
      errorMessage: reply.error.message,
      finishReason: 'error',
      turnComplete: true,
    };
  }
  if ('functionCalls' in reply) {
    const parts: Part[] = [];
    if (reply.text !== undefined) parts.push({ text: reply.text });
    for (const call of reply.functionCalls) {
      parts.push({
        functionCall: {
          name: call.name,
          args: call.args ?? {},
          ...(call.id === undefined ? {} : { id: call.id }),
        },
      });
    }
    return { content: { role: 'model', parts }, finishReason: 'tool-calls', turnComplete: true };
  }
  if ('json' in reply) return textResponse(JSON.stringify(reply.json));
  return { ...textResponse(reply.text), ...(reply.usage === undefined ? {} : { usage: reply.usage }) };
}

function textResponse(value: string): LlmResponse {
  return { content: { role: 'model', parts: [{ text: value }] }, finishReason: 'stop', turnComplete: true };
}

// Cuts a text into at most n pieces on word boundaries (or evenly, for a text without spaces).
function cut(value: string, n: number): string[] {
  if (n <= 1 || value.length <= 1) return [value];
  const words = value.match(/\S+\s*|\s+/g) ?? [value];
  const pieces: string[] = [];
  const per = Math.ceil(words.length / n);
  for (let i = 0; i < words.length; i += per) pieces.push(words.slice(i, i + per).join(''));
  return pieces;
}

function textOnly(content: Content | undefined): string | undefined {
  if (content === undefined || content.parts.length === 0) return undefined;
  let out = '';
  for (const part of content.parts) {
    if (!('text' in part)) return undefined;
    out += part.text;
  }
  return out;
}

/**
 * A deterministic offline model: rules match a request (agent name, instruction, last user text,
 * a predicate) to canned or computed replies. The default of the examples and tests.
 *
 * Streaming cuts a text reply into `chunks` partial responses, then sends the complete one.
 * Latency is virtual time on the scheduler from `GenerateOptions`, so a flow runs the same under a
 * `TestScheduler`. A request no rule matches gets an error response (`SCRIPT_NO_MATCH`) naming
 * the agent and the last user text.
 *
 * Reply counters live in the model: make one model per run when a rule has a list of replies.
 *
 * @example
 * ```ts
 * import { scriptedModel } from '@rxagents/llm';
 * const model = scriptedModel(
 *   [
 *     { agent: 'story_generator', respond: 'A fox found a lantern.' },
 *     { agent: 'tone_check', respond: ['negative', 'positive'] },
 *     { userText: /weather/, respond: { functionCalls: [{ name: 'get_weather', args: { city: 'Oslo' } }] } },
 *   ],
 *   { chunks: 3, chunkInterval: 10 },
 * );
 * ```
 * @param rules tried in order
 * @param options.latency default 0; options.chunks default 1; options.chunkInterval default 0
 */
export function scriptedModel(
  rules: readonly ScriptedRule[],
  options: ScriptedModelOptions = {},
): ScriptedModel {
  const counts = new Map<ScriptedRule, number>();
  const requests: LlmRequest[] = [];
  const latency = options.latency ?? 0;
  const chunks = options.chunks ?? 1;
  const chunkInterval = options.chunkInterval ?? 0;

  function answer(request: LlmRequest): LlmResponse {
    const userText = lastUserText(request);
    const instruction = request.systemInstruction ?? '';
    for (const rule of rules) {
      if (rule.agent !== undefined && rule.agent !== request.agentName) continue;
      if (!matches(rule.instruction, instruction) || !matches(rule.userText, userText)) continue;
      if (rule.when !== undefined && !rule.when(request)) continue;
      const call = (counts.get(rule) ?? 0) + 1;
      const respond = rule.respond;
      let reply: ScriptedReply;
      if (typeof respond === 'function') reply = respond(request, { call, lastUserText: userText });
      else if (Array.isArray(respond)) {
        const listed = (respond as readonly ScriptedReply[])[call - 1];
        if (listed === undefined) continue;
        reply = listed;
      } else reply = respond as ScriptedReply;
      counts.set(rule, call);
      return toResponse(reply);
    }
    return {
      errorCode: SCRIPT_NO_MATCH,
      errorMessage: `scriptedModel: no rule matches the request of agent '${request.agentName}' (last user text: ${JSON.stringify(userText)})`,
      finishReason: 'error',
      turnComplete: true,
    };
  }

  return {
    name: options.name ?? 'scripted',
    requests,
    generate(request: LlmRequest, generateOptions: GenerateOptions): Observable<LlmResponse> {
      return defer(() => {
        requests.push(request);
        const response = answer(request);
        const { scheduler, stream } = generateOptions;
        const body = textOnly(response.content);
        const pieces = stream && body !== undefined ? cut(body, chunks) : [];
        const partials = from(pieces).pipe(
          concatMap((piece, i) => {
            const chunk: LlmResponse = {
              content: { role: 'model', parts: [{ text: piece }] },
              partial: true,
            };
            return i === 0 || chunkInterval === 0
              ? of(chunk)
              : timer(chunkInterval, scheduler).pipe(map(() => chunk));
          }),
        );
        const complete =
          pieces.length > 1 && chunkInterval > 0
            ? timer(chunkInterval, scheduler).pipe(map(() => response))
            : of(response);
        const all = concat(partials, complete);
        return latency > 0 ? timer(latency, scheduler).pipe(concatMap(() => all)) : all;
      });
    },
  };
}
