import { agent, andThen, type BaseAgent, requestInput, sequence, text, when } from '@rxagents/core';
import type { Model } from '@rxagents/llm';
import { map } from 'rxjs';
import { z } from 'zod';
import { isNegative, storyAgents } from './storyAgents.js';

/** What the person answers when asked to approve the story. */
export const approvalSchema = z.object({ approved: z.boolean(), note: z.string().optional() });

/**
 * Asks a person to approve the current story: the run pauses here until someone answers
 * `{ approved, note? }`; the answer is written to state (`approved`, `editor_note`).
 */
export function approvalAgent(): BaseAgent {
  return agent('approval', (ctx) =>
    requestInput(ctx, {
      id: 'approve_story',
      payload: {
        prompt: 'Approve this story before the tone check?',
        story: String(ctx.state.get('current_story')),
      },
      schema: approvalSchema,
    }).pipe(
      map(({ approved, note }) =>
        ctx.newEvent({
          content: text(approved ? 'Approved.' : `Rejected${note === undefined ? '' : `: ${note}`}.`),
          actions: { stateDelta: { approved, editor_note: note ?? null } },
        }),
      ),
    ),
  );
}

/**
 * StoryFlow with a person in the loop: after the grammar check, the story waits for approval;
 * approved, the tone check runs (and a negative tone regenerates the story, as in StoryFlow);
 * rejected, the story is written again and the flow ends.
 */
export function approvalFlow(model: Model, stream = false): BaseAgent {
  const { storyGenerator, refine, checks } = storyAgents(model, stream);
  const [grammarCheck, toneCheck] = checks.subAgents as [BaseAgent, BaseAgent];
  const approved = (state: Readonly<Record<string, unknown>>) => state.approved === true;
  return sequence('story_flow', [
    storyGenerator.pipe(
      andThen(refine),
      andThen(grammarCheck),
      andThen(approvalAgent()),
      when(approved, toneCheck.pipe(when(isNegative, storyGenerator)), storyGenerator),
    ),
  ]);
}
