import { text } from '@rxagents/core';
import type { GenerateOptions, LlmRequest, LlmResponse, Model } from '@rxagents/llm';
import { Observable } from 'rxjs';
import { parseMarble, play } from './internal/parseMarble.js';

/**
 * What a model marble character stands for: a string is a chunk of streamed text, an
 * `LlmResponse` is emitted as it is.
 *
 * @example
 * ```ts
 * const responses: Record<string, MarbleResponse> = { a: 'Once upon ', s: { content: text('!'), finishReason: 'stop' } };
 * ```
 */
export type MarbleResponse = string | LlmResponse;

/**
 * The timeline of each call: one marble for every call, one per call in order, or a function of
 * the request and the call's index (0-based).
 *
 * @example
 * ```ts
 * marbleModel('--(a|)', responses); // every call
 * marbleModel(['-(t|)', '--(a|)'], responses); // first call, second call
 * marbleModel((req) => (req.tools === undefined ? '(a|)' : '-(t|)'), responses);
 * ```
 */
export type MarbleScript = string | readonly string[] | ((request: LlmRequest, call: number) => string);

/**
 * One call a {@link MarbleModel} received.
 *
 * @example
 * ```ts
 * expect(model.calls).toMatchObject([{ at: 0, stream: true, request: { agentName: 'writer' } }]);
 * ```
 */
export interface MarbleModelCall {
  readonly request: LlmRequest;
  readonly stream: boolean;
  /** Virtual time of the call (the scheduler's `now()` at subscription). */
  readonly at: number;
  /** The call's abort signal: aborted when the caller cancelled the call before it completed. */
  readonly signal: AbortSignal;
}

/**
 * A {@link Model} scripted with marbles, which records its calls.
 *
 * @example
 * ```ts
 * const model: MarbleModel = marbleModel('---a|', { a: 'hello' });
 * model.calls.length; // 0 until an agent calls it
 * ```
 */
export interface MarbleModel extends Model {
  /** Calls so far, in order. */
  readonly calls: readonly MarbleModelCall[];
}

/**
 * Options of {@link marbleModel}.
 *
 * @example
 * ```ts
 * marbleModel('--#', {}, { name: 'flaky', error: new Error('rate limited') });
 * ```
 */
export interface MarbleModelOptions {
  /** Default `'marble'`. */
  readonly name?: string;
  /** What `#` fails the call with. Default `Error('marbleModel: scripted failure')`. */
  readonly error?: unknown;
}

/**
 * A `Model` that answers on a marble timeline in the caller's virtual time
 * (`GenerateOptions.scheduler`): latency is the dashes before the first character, text chunks
 * stream as `partial` responses, and the complete response comes at `|`.
 *
 * String values are chunks of text. With `stream: true` each is emitted at its frame as a
 * `partial` response; at `|` one complete response holds all of the call's chunks joined
 * (`turnComplete: true`, `finishReason: 'stop'`). Without streaming only that complete response is emitted, at `|`.
 * `LlmResponse` values are emitted as they are at their frames (partial ones only when
 * streaming). `#` fails the call. Unsubscribing cancels the pending frames.
 *
 * For untimed scripts use `scriptedModel` from `@rxagents/llm`; use this one to test latency,
 * streaming order, timeouts and cancellation of model calls.
 *
 * @example
 * ```ts
 * import { marbleModel } from '@rxagents/testing';
 * // 3 ms of latency, two chunks 2 ms apart, complete response at frame 6
 * const model = marbleModel('---a-b|', { a: 'Once upon ', b: 'a time' });
 * // one timeline per call: a tool call first, then the answer
 * const tooling = marbleModel(['-(t|)', '--(a|)'], {
 *   t: { content: { role: 'model', parts: [{ functionCall: { name: 'search', args: {} } }] } },
 *   a: 'found it',
 * });
 * ```
 * @param script the timeline of each call
 * @param responses what each character stands for; default: the character as a text chunk
 * @param options `name` (default `'marble'`), `error` raised by `#`
 */
export function marbleModel(
  script: MarbleScript,
  responses: Readonly<Record<string, MarbleResponse>> = {},
  options: MarbleModelOptions = {},
): MarbleModel {
  const error = options.error ?? new Error('marbleModel: scripted failure');
  const calls: MarbleModelCall[] = [];
  const marbleOf = (request: LlmRequest, call: number): string => {
    if (typeof script === 'string') return script;
    if (typeof script === 'function') return script(request, call);
    const marble = script[call];
    if (marble === undefined) {
      throw new Error(`marbleModel: call ${call + 1} but only ${script.length} answers were scripted`);
    }
    return marble;
  };
  return {
    name: options.name ?? 'marble',
    get calls() {
      return calls;
    },
    generate(request: LlmRequest, { stream, scheduler, signal }: GenerateOptions): Observable<LlmResponse> {
      return new Observable<LlmResponse>((subscriber) => {
        const call = calls.length;
        calls.push({ request, stream, at: scheduler.now(), signal });
        const timeline = parseMarble(marbleOf(request, call), responses, error);
        let chunks: string[] | undefined;
        play(timeline, scheduler, subscriber, (notification, target) => {
          switch (notification.kind) {
            case 'N': {
              const value = notification.value;
              if (typeof value === 'string') {
                (chunks ??= []).push(value);
                if (stream) target.next({ content: text(value), partial: true });
              } else if (stream || value.partial !== true) {
                target.next(value);
              }
              break;
            }
            case 'E':
              target.error(notification.error);
              break;
            case 'C':
              if (chunks !== undefined) {
                target.next({ content: text(chunks.join('')), turnComplete: true, finishReason: 'stop' });
              }
              target.complete();
              break;
          }
        });
      });
    },
  };
}
