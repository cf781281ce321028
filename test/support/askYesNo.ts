import { type Event, type InvocationContext, requestInput, text } from '@rxagents/core';
import { map, type Observable } from 'rxjs';
import { z } from 'zod';

/** A yes/no question: request `id` wants `{ [field]: boolean }`, and the answer is kept under `field`. */
export interface YesNoQuestion {
  readonly id: string;
  readonly prompt: string;
  readonly field: string;
  /** What the agent says on a yes, and on a no. */
  readonly yes: string;
  readonly no: string;
}

/**
 * Asks a person `question` (the run pauses there), then says what was decided and records the
 * answer in state: the human step the resume tests of several packages pause on.
 */
export function askYesNo(ctx: InvocationContext, question: YesNoQuestion): Observable<Event> {
  const { id, prompt, field, yes, no } = question;
  return requestInput(ctx, { id, payload: { prompt }, schema: z.object({ [field]: z.boolean() }) }).pipe(
    map((answer) => {
      const decided = answer[field] === true;
      return ctx.newEvent({
        content: text(decided ? yes : no),
        actions: { stateDelta: { [field]: decided } },
      });
    }),
  );
}
