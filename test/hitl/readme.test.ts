// The marble test of README.md's "Testing a pause", kept here so that it stays true.
import { agent, requestInput, sequence, text } from '@rxagents/core';
import { expectAgent, scriptedAgent } from '@rxagents/testing';
import { map } from 'rxjs';
import { describe, it } from 'vitest';

const ask = agent('ask', (ctx) =>
  requestInput(ctx, { id: 'ok', payload: { prompt: 'Go on?' } }).pipe(
    map((answer) =>
      ctx.newEvent({ content: text(`told ${String(answer)}`), actions: { stateDelta: { told: answer } } }),
    ),
  ),
);
const flow = sequence('flow', [
  scriptedAgent('draft', '--(d|)', { d: { content: 'draft' } }),
  ask,
  scriptedAgent('last', '-(l|)', { l: 'done' }),
]);

describe('flow', () => {
  it('pauses at the question and resumes with the answer', () => {
    expectAgent(flow)
      .toEmit('--(dr|)', {
        d: { branch: 'flow.draft', content: 'draft' },
        r: { branch: 'flow.ask', request: { id: 'ok#1', kind: 'input', payload: { prompt: 'Go on?' } } },
      })
      .toPause([{ author: 'ask', branch: 'flow.ask' }])
      .resume({ ok: 'yes' })
      // the dry pass replays `draft`'s 2 ms, then the answers' event; the real pass replays
      // them again (nothing stored twice), then the rest
      .toEmit('--u-t(l|)', {
        u: { author: 'user', branch: '', answers: { 'ok#1': 'yes' } },
        t: { branch: 'flow.ask', content: 'told yes', stateDelta: { told: 'yes' } },
        l: { branch: 'flow.last', content: 'done' },
      })
      .toHaveFinalState({ told: 'yes' });
  });
});
