import type { Event } from './Event.js';
import type { JsonValue } from './json.js';

/**
 * What a resumed invocation replays against: the events its earlier attempts committed, read
 * by the agents as they re-run, so that nothing already done is done again.
 *
 * A resume re-runs the paused invocation from the state before its first event. Each event an
 * agent makes on a branch takes the id of the event the log holds at the same place on that
 * branch (the n-th event of a branch is the n-th again, whatever the interleaving of parallel
 * branches), and the `Runner` neither stores nor emits it again. An `LlmAgent` takes its model
 * responses and tool results from here instead of calling the model and the tools
 * (`ctx.replay.take(branch)`); `requestInput` finds its answers here. Requests and answers are
 * looked up by request id, not by place.
 *
 * Made by the `Runner` for a resume; agents only read it.
 *
 * @example
 * ```ts
 * import { agent, ReplayLog, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 * // During a resume the replay log holds what each branch did before the pause.
 * const writer = agent('writer', (ctx) => {
 *   const recorded = ctx.replay instanceof ReplayLog ? ctx.replay.peek(ctx.branch) : undefined;
 *   return of(recorded ?? ctx.newEvent({ content: text('a new draft') }));
 * });
 * ```
 */
export class ReplayLog {
  /** When true, a dry pass: answers are checked against their schemas but none is released. */
  readonly check: boolean;
  /** Answered requests the replay reached (a dry pass checks that it reached every answer). */
  readonly reached = new Set<string>();
  private readonly ordinary = new Map<string, Event[]>();
  private readonly cursors = new Map<string, number>();
  private readonly byId = new Map<string, Event>();
  private readonly requests = new Map<string, Event>();
  private readonly answers = new Map<string, JsonValue>();
  private readonly fresh = new Set<string>();

  /**
   * @param events the invocation's committed events after its user message, in log order
   * @param answers answers not in `events` yet (a dry pass checks them before they are committed)
   * @param check whether this is the dry pass
   */
  constructor(events: readonly Event[], answers: Readonly<Record<string, JsonValue>> = {}, check = false) {
    this.check = check;
    for (const event of events) {
      this.byId.set(event.id, event);
      const { requestInput, inputAnswers } = event.actions;
      if (requestInput !== undefined) this.requests.set(requestInput.id, event);
      if (inputAnswers !== undefined) for (const id in inputAnswers) this.answers.set(id, inputAnswers[id]!);
      if (requestInput !== undefined || inputAnswers !== undefined) continue;
      let list = this.ordinary.get(event.branch);
      if (list === undefined) this.ordinary.set(event.branch, (list = []));
      list.push(event);
    }
    for (const id in answers) {
      this.answers.set(id, answers[id]!);
      this.fresh.add(id);
    }
  }

  /** The recorded event the next event made on `branch` corresponds to, without taking it. */
  peek(branch: string): Event | undefined {
    return this.ordinary.get(branch)?.[this.cursors.get(branch) ?? 0];
  }

  /** Takes the next recorded event of `branch` (what `ctx.newEvent` does for its id). */
  take(branch: string): Event | undefined {
    const list = this.ordinary.get(branch);
    if (list === undefined) return undefined;
    const at = this.cursors.get(branch) ?? 0;
    if (at >= list.length) return undefined;
    this.cursors.set(branch, at + 1);
    return list[at];
  }

  /** The recorded event with this id, if the log holds it. */
  recorded(id: string): Event | undefined {
    return this.byId.get(id);
  }

  /** The event that made the request, if an earlier attempt made it. */
  request(requestId: string): Event | undefined {
    return this.requests.get(requestId);
  }

  /**
   * The answer to a request, if there is one (`{ value }`, so that `null` is an answer); `fresh`
   * when it is one of the answers being given now rather than one the log holds.
   */
  answer(requestId: string): { readonly value: JsonValue; readonly fresh: boolean } | undefined {
    return this.answers.has(requestId)
      ? { value: this.answers.get(requestId)!, fresh: this.fresh.has(requestId) }
      : undefined;
  }
}
