// The complete marble test of packages/testing/README.md, kept here so that it stays true.
import { loop, parallel, sequence } from '@rxagents/core';
import { expectAgent, scriptedAgent } from '@rxagents/testing';
import { describe, it } from 'vitest';

// A writer drafts, a critic loop refines until the judge is satisfied, then two checks run in
// parallel. Each step is scripted on a marble timeline (1 character = 1 virtual ms).
const writer = scriptedAgent('writer', '--d|', { d: { content: 'draft', stateDelta: { version: 1 } } });
const reviser = scriptedAgent('reviser', '-r|', {
  r: (ctx) => ({ content: 'revised', stateDelta: { version: (ctx.state.get('version') as number) + 1 } }),
});
const judge = scriptedAgent('judge', '(j|)', {
  j: (ctx) => ({ content: 'verdict', escalate: ctx.state.get('version') === 3 }),
});
const checks = parallel('checks', [
  scriptedAgent('tone', '500ms (t|)', { t: { stateDelta: { tone: 'warm' } } }),
  scriptedAgent('grammar', '(g|)', { g: { stateDelta: { grammar: 'ok' } } }),
]);
const flow = sequence('flow', [writer, loop('refine', [reviser, judge], { maxIterations: 5 }), checks]);

describe('flow', () => {
  it('drafts, refines until the judge escalates, then checks in parallel', () => {
    const r = (version: number) => ({
      branch: 'flow.refine.reviser',
      content: 'revised',
      stateDelta: { version },
    });
    expectAgent(flow, { state: { topic: 'fox' } })
      .toEmit('--d-rjR(kg) 496ms (t|)', {
        d: { branch: 'flow.writer', content: 'draft', stateDelta: { version: 1 } },
        r: r(2),
        j: { branch: 'flow.refine.judge', content: 'verdict' },
        R: r(3),
        k: { branch: 'flow.refine.judge', content: 'verdict', escalate: true },
        g: { branch: 'flow.checks.grammar', stateDelta: { grammar: 'ok' } },
        t: { branch: 'flow.checks.tone', stateDelta: { tone: 'warm' } },
      })
      .toHaveFinalState({ topic: 'fox', version: 3, grammar: 'ok', tone: 'warm' });
  });

  it('stops everything when unsubscribed mid-flow', () => {
    expectAgent(flow)
      .unsubscribeAt('---!')
      .toEmit('--d', { d: { branch: 'flow.writer', content: 'draft', stateDelta: { version: 1 } } })
      .toHaveCommitted([{ branch: 'flow.writer', content: 'draft', stateDelta: { version: 1 } }])
      .toHaveNoPendingTimers();
  });
});
