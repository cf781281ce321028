import { loop, parallel, sequence } from '@rxagents/core';
import { expectAgent, scriptedAgent } from '@rxagents/testing';
import { describe, it } from 'vitest';

const flow = () =>
  sequence('flow', [
    scriptedAgent('writer', '--w|', { w: { content: 'draft', stateDelta: { draft: 'v1' } } }),
    parallel('checks', [scriptedAgent('grammar', '---g|'), scriptedAgent('tone', '500ms t|')]),
    scriptedAgent('publish', '-(p|)'),
  ]);

const w = { branch: 'flow.writer', content: 'draft', stateDelta: { draft: 'v1' } };
const g = { branch: 'flow.checks.grammar', content: 'g' };

describe('cancellation (marbles)', () => {
  it('the whole flow runs to the end when nobody unsubscribes', () => {
    expectAgent(flow()).toEmit('--w---g 496ms t-(p|)', {
      w,
      g,
      t: { branch: 'flow.checks.tone', content: 't' },
      p: { branch: 'flow.publish', content: 'p' },
    });
  });

  it('unsubscribing mid-flow stops everything: no further event, commit or timer', () => {
    expectAgent(flow(), { state: { topic: 'fox' } })
      .unsubscribeAt('--------!')
      .toEmit('--w---g', { w, g })
      .toHaveCommitted([w, g])
      .toHaveFinalState({ topic: 'fox', draft: 'v1' })
      .toHaveNoPendingTimers();
  });

  it('unsubscribing at the frame of an event comes first: the event is not emitted', () => {
    expectAgent(flow()).unsubscribeAt('--!').toEmit('--').toHaveCommitted([]).toHaveNoPendingTimers();
  });

  it('unsubscribing inside an endless loop tears down the iteration in flight', () => {
    const endless = loop('endless', [scriptedAgent('tick', '--t|')]);
    expectAgent(endless)
      .unsubscribeAt('^ 10ms !')
      .toEmit('--t--t--t-', { t: { branch: 'endless.tick', content: 't' } })
      .toHaveNoPendingTimers();
  });

  it('a late subscription runs the flow from its own start', () => {
    expectAgent(scriptedAgent('writer', '--w|'))
      .withSubscription('---^--!')
      .toEmit('-----w', { w: { branch: 'writer', content: 'w' } })
      .toHaveNoPendingTimers();
  });
});
