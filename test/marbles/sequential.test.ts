import { SequentialAgent, sequence } from '@rxagents/core';
import { expectAgent, scriptedAgent } from '@rxagents/testing';
import { describe, it } from 'vitest';
import { expectSubscriptionsOf, failure } from './subscriptions.js';

describe('SequentialAgent (marbles)', () => {
  it('concatenates its sub-agents in virtual time: each starts when the previous completes', () => {
    const flow = new SequentialAgent({
      name: 'flow',
      subAgents: [scriptedAgent('a', '--a|'), scriptedAgent('b', '-b|'), scriptedAgent('c', '(c|)')],
    });
    expectAgent(flow).toEmit('--a-b(c|)', {
      a: { branch: 'flow.a', content: 'a' },
      b: { branch: 'flow.b', content: 'b' },
      c: { branch: 'flow.c', content: 'c' },
    });
  });

  it('lets each sub-agent see what the previous ones committed', () => {
    const flow = sequence('flow', [
      scriptedAgent('writer', '-w|', { w: { content: 'draft', stateDelta: { draft: 'v1' } } }),
      scriptedAgent('critic', '-(c|)', { c: (ctx) => `critique of ${String(ctx.state.get('draft'))}` }),
    ]);
    expectAgent(flow, { state: { topic: 'fox' } })
      .toEmit('-w-(c|)', {
        w: { branch: 'flow.writer', content: 'draft', stateDelta: { draft: 'v1' } },
        c: { branch: 'flow.critic', content: 'critique of v1' },
      })
      .toHaveFinalState({ topic: 'fox', draft: 'v1' })
      .toHaveCommitted([
        { branch: 'flow.writer', content: 'draft', stateDelta: { draft: 'v1' } },
        { branch: 'flow.critic', content: 'critique of v1' },
      ]);
  });

  it('names branches by appending each level', () => {
    const root = sequence('root', [sequence('inner', [scriptedAgent('leaf', '(x|)')])]);
    expectAgent(root).toEmit('(x|)', { x: { branch: 'root.inner.leaf', content: 'x' } });
  });

  it('stops at the first failure, keeping what was committed before it', () => {
    const flow = sequence('flow', [
      scriptedAgent('first', '-a|', { a: { stateDelta: { kept: true } } }),
      scriptedAgent('broken', '--#', {}, { error: new Error('tool down') }),
      scriptedAgent('never', 'n|'),
    ]);
    expectAgent(flow)
      .toEmit('-a--#', { a: { branch: 'flow.first', stateDelta: { kept: true } } }, 'tool down')
      .toHaveFinalState({ kept: true });
  });

  it('subscribes each sub-agent at the frame the previous one completes', () => {
    expectSubscriptionsOf({ a: '--|', b: '---|' }, ({ a, b }) => sequence('flow', [a, b]), {
      authors: '-----|',
      subscriptions: { a: '^-!', b: '--^--!' },
    });
  });

  it('a cancel unsubscribes the running sub-agent at its frame; the later ones are never subscribed', () => {
    expectSubscriptionsOf(
      { a: '---|', b: '-----|', c: '--|' },
      ({ a, b, c }) => sequence('flow', [a, b, c]),
      {
        run: '^------!',
        authors: '-',
        subscriptions: { a: '^--!', b: '---^---!', c: [] },
      },
    );
  });

  it('a failing sub-agent is unsubscribed at its failure and the next is never subscribed', () => {
    expectSubscriptionsOf({ a: '--#', b: '-|' }, ({ a, b }) => sequence('flow', [a, b]), {
      authors: '--#',
      error: failure('a'),
      subscriptions: { a: '^-!', b: [] },
    });
  });
});
