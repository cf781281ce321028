import {
  type Event,
  hasStateDelta,
  isFunctionCallPart,
  isFunctionResponsePart,
  isTextPart,
  RxAgentsError,
  type StateDelta,
} from '@rxagents/core';
import type { UIMessage, UIMessageChunk } from 'ai';
import { Observable, type OperatorFunction } from 'rxjs';

/** The data parts an rxagents UI message stream carries besides text and tools. */
export type RxAgentsUIDataTypes = {
  /** A new agent turn: who speaks now, and on which branch. */
  agent: { readonly author: string; readonly branch: string; readonly invocationId: string };
  /** A state change committed by an event. */
  state: { readonly author: string; readonly branch: string; readonly delta: StateDelta };
};

/** A UI message as `useChat` builds it from an rxagents run. */
export type RxAgentsUIMessage = UIMessage<unknown, RxAgentsUIDataTypes>;

/** One chunk of an rxagents UI message stream. */
export type RxAgentsUIMessageChunk = UIMessageChunk<unknown, RxAgentsUIDataTypes>;

/** Options of {@link toUIMessageStream}. */
export interface ToUIMessageStreamOptions {
  /** Id of the assistant message the chunks build (sent in the `start` chunk). */
  readonly messageId?: string;
}

/**
 * Turns a run's events into the AI SDK 6 UI message stream, the protocol `useChat` reads: a
 * `start`, then per agent turn a step with a `data-agent` part (author, branch) and its text as
 * `text-start` / `text-delta` / `text-end` (streamed from partial events, finished by the
 * complete one), function calls and responses as `tool-input-available` / `tool-output-available`
 * (dynamic tools), state changes as `data-state` parts, and `finish` — or `error` when the run
 * fails. One protocol over the same events, not a second event model.
 *
 * @example
 * ```ts
 * import { agent, Runner, text } from '@rxagents/core';
 * import { toUIMessageStream } from '@rxagents/ai-sdk';
 * import { of } from 'rxjs';
 * const hello = agent('hello', (ctx) => of(ctx.newEvent({ content: text('hi') })));
 * new Runner({ appName: 'demo', agent: hello })
 *   .run({ userId: 'u1', sessionId: 's1', newMessage: 'hello' })
 *   .pipe(toUIMessageStream())
 *   .subscribe((chunk) => console.log(chunk.type)); // start, start-step, data-agent, text-start, …
 * ```
 * @see toUIMessageStreamResponse
 */
export function toUIMessageStream(
  options: ToUIMessageStreamOptions = {},
): OperatorFunction<Event, RxAgentsUIMessageChunk> {
  return (source) =>
    new Observable<RxAgentsUIMessageChunk>((subscriber) => {
      const turn = new TurnState();
      const emit = (chunks: readonly RxAgentsUIMessageChunk[]): void => {
        for (const chunk of chunks) subscriber.next(chunk);
      };
      subscriber.next(
        options.messageId === undefined ? { type: 'start' } : { type: 'start', messageId: options.messageId },
      );
      return source.subscribe({
        next: (event) => emit(turn.chunksOf(event)),
        error: (error: unknown) => {
          emit(turn.close());
          subscriber.next({ type: 'error', errorText: errorText(error) });
          subscriber.complete();
        },
        complete: () => {
          emit(turn.close());
          subscriber.next({ type: 'finish', finishReason: 'stop' });
          subscriber.complete();
        },
      });
    });
}

// Per-subscription state: the current agent turn, its open text block and unanswered tool calls.
class TurnState {
  private key: string | undefined;
  private textId: string | undefined;
  private streamed = '';
  private readonly pending = new Map<string, string[]>();

  chunksOf(event: Event): RxAgentsUIMessageChunk[] {
    const out: RxAgentsUIMessageChunk[] = [];
    const key = `${event.author}\u0000${event.branch}`;
    if (key !== this.key) {
      out.push(...this.close(), { type: 'start-step' });
      out.push({
        type: 'data-agent',
        data: { author: event.author, branch: event.branch, invocationId: event.invocationId },
      });
      this.key = key;
    }
    const parts = event.content?.parts ?? [];
    const said = parts.filter(isTextPart).filter((p) => p.thought !== true);
    if (said.length > 0) this.text(event, said.map((p) => p.text).join(''), out);
    parts.forEach((part, i) => {
      if (isFunctionCallPart(part)) {
        const { id, name, args } = part.functionCall;
        const toolCallId = id ?? `${event.id}-${i}`;
        this.pending.set(name, [...(this.pending.get(name) ?? []), toolCallId]);
        out.push({ type: 'tool-input-available', toolCallId, toolName: name, input: args, dynamic: true });
      } else if (isFunctionResponsePart(part)) {
        const { id, name, response } = part.functionResponse;
        // A response without an id answers the oldest unanswered call of that tool.
        const toolCallId = id ?? this.pending.get(name)?.shift() ?? `${event.id}-${i}`;
        out.push({ type: 'tool-output-available', toolCallId, output: response, dynamic: true });
      }
    });
    if (event.partial !== true && hasStateDelta(event)) {
      out.push({
        type: 'data-state',
        data: { author: event.author, branch: event.branch, delta: event.actions.stateDelta },
      });
    }
    if (event.errorCode !== undefined) {
      out.push({
        type: 'error',
        errorText: `${event.errorCode}: ${event.errorMessage ?? 'the model failed'}`,
      });
    }
    return out;
  }

  /** Ends the open text block and the step. */
  close(): RxAgentsUIMessageChunk[] {
    if (this.key === undefined) return [];
    const out = this.endText();
    this.key = undefined;
    out.push({ type: 'finish-step' });
    return out;
  }

  // Partial events stream deltas into one block; the complete event ends it, sending whatever
  // its text adds to what was streamed (all of it when nothing was).
  private text(event: Event, said: string, out: RxAgentsUIMessageChunk[]): void {
    if (this.textId === undefined) {
      this.textId = event.id;
      out.push({ type: 'text-start', id: event.id });
    }
    const id = this.textId;
    if (event.partial === true) {
      this.streamed += said;
      out.push({ type: 'text-delta', id, delta: said });
      return;
    }
    const rest = said.startsWith(this.streamed) ? said.slice(this.streamed.length) : '';
    if (rest !== '') out.push({ type: 'text-delta', id, delta: rest });
    out.push(...this.endText());
  }

  private endText(): RxAgentsUIMessageChunk[] {
    const id = this.textId;
    if (id === undefined) return [];
    this.textId = undefined;
    this.streamed = '';
    return [{ type: 'text-end', id }];
  }
}

// What the client may see of a failure: an RxAgentsError's message (it names agent and field),
// never the message or stack of anything else.
function errorText(error: unknown): string {
  return error instanceof RxAgentsError ? `${error.code}: ${error.message}` : 'the run failed';
}
