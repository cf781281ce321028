import { LoopAgent, ParallelAgent, parallel, sequence } from '@rxagents/core';
import { expectAgent, scriptedAgent } from '@rxagents/testing';
import { describe, expect, it } from 'vitest';
import { expectSubscriptionsOf, failure } from './subscriptions.js';

describe('ParallelAgent (marbles)', () => {
  it('merges branches in virtual-time order: the 0-frame branch before the 500-frame one', () => {
    const fan = new ParallelAgent({
      name: 'fan',
      subAgents: [scriptedAgent('slow', '500ms (s|)'), scriptedAgent('fast', '(f|)')],
    });
    expectAgent(fan).toEmit('f 499ms (s|)', {
      f: { branch: 'fan.fast', content: 'f' },
      s: { branch: 'fan.slow', content: 's' },
    });
  });

  it('runs at most `concurrency` branches at once', () => {
    const fan = parallel(
      'fan',
      [scriptedAgent('a', '-----(a|)'), scriptedAgent('b', '-(b|)'), scriptedAgent('c', '(c|)')],
      {
        concurrency: 2,
      },
    );
    expectAgent(fan).toEmit('-(bc)(a|)', {
      a: { branch: 'fan.a', content: 'a' },
      b: { branch: 'fan.b', content: 'b' },
      c: { branch: 'fan.c', content: 'c' },
    });
  });

  it('stops the slower siblings at the frame of an unconsumed escalation, leaving no timers', () => {
    const fan = parallel('fan', [
      scriptedAgent('judge', '--j--k|', { j: { content: 'enough', escalate: true } }),
      scriptedAgent('slow', '-a 500ms b|'),
      scriptedAgent('late', '---l|'),
    ]);
    expectAgent(fan)
      .toEmit('-a(j|)', {
        a: { branch: 'fan.slow', content: 'a' },
        j: { branch: 'fan.judge', content: 'enough', escalate: true },
      })
      .toHaveNoPendingTimers();
  });

  it('with a concurrency limit, branches still queued when a branch escalates never start', () => {
    let started = 0;
    const queued = scriptedAgent(
      'queued',
      '5ms (q|)',
      {},
      {
        beforeAgentCallback: () => {
          started++;
        },
      },
    );
    const fan = parallel(
      'fan',
      [scriptedAgent('esc', '-(e|)', { e: { escalate: true } }), scriptedAgent('slow', '10ms (s|)'), queued],
      { concurrency: 2 },
    );
    expectAgent(fan)
      .toEmit('-(e|)', { e: { branch: 'fan.esc', escalate: true } })
      .toHaveNoPendingTimers();
    expect(started).toBe(0);
  });

  it('an unconsumed escalation in a branch also stops the enclosing loop', () => {
    const fan = parallel('fan', [
      scriptedAgent('stop', '-(s|)', { s: { escalate: true } }),
      scriptedAgent('busy', '-----b|'),
    ]);
    const looping = new LoopAgent({
      name: 'looping',
      subAgents: [scriptedAgent('count', '(c|)'), fan],
      maxIterations: 5,
    });
    expectAgent(looping).toEmit('c(s|)', {
      c: { branch: 'looping.count', content: 'c' },
      s: { branch: 'looping.fan.stop', escalate: true },
    });
  });

  it('an escalation consumed by a loop inside one branch does not stop its siblings', () => {
    const inner = new LoopAgent({
      name: 'inner',
      subAgents: [scriptedAgent('stop', '-(s|)', { s: { escalate: true } })],
    });
    const fan = parallel('fan', [inner, scriptedAgent('sibling', '---(x|)')]);
    expectAgent(fan).toEmit('-s-(x|)', {
      s: { branch: 'fan.inner.stop', escalate: true },
      x: { branch: 'fan.sibling', content: 'x' },
    });
  });

  it('commits deltas in emission order and reports a key two branches wrote', () => {
    const fan = parallel('fan', [
      scriptedAgent('a', '--(a|)', { a: { stateDelta: { k: 'a' } } }),
      scriptedAgent('b', '-(b|)', { b: { stateDelta: { k: 'b' } } }),
    ]);
    expectAgent(fan)
      .toEmit('-b(a|)', {
        b: { branch: 'fan.b', stateDelta: { k: 'b' } },
        a: {
          branch: 'fan.a',
          stateDelta: { k: 'a' },
          stateConflicts: [{ key: 'k', previousBranch: 'fan.b', branch: 'fan.a' }],
        },
      })
      .toHaveFinalState({ k: 'a' });
  });

  it('nests: branches of a sequence inside a parallel inside a sequence', () => {
    const root = sequence('root', [parallel('par', [sequence('seq', [scriptedAgent('sub', '-(x|)')])])]);
    expectAgent(root).toEmit('-(x|)', { x: { branch: 'root.par.seq.sub', content: 'x' } });
  });

  it('subscribes every branch at once; a cancel unsubscribes all of them at its frame', () => {
    expectSubscriptionsOf({ a: '----|', b: '--------|' }, ({ a, b }) => parallel('fan', [a, b]), {
      run: '^--!',
      authors: '-',
      subscriptions: { a: '^--!', b: '^--!' },
    });
  });

  it('with concurrency 1, subscribes a queued branch at the frame the running one completes', () => {
    expectSubscriptionsOf(
      { a: '--|', b: '---|' },
      ({ a, b }) => parallel('fan', [a, b], { concurrency: 1 }),
      {
        authors: '-----|',
        subscriptions: { a: '^-!', b: '--^--!' },
      },
    );
  });

  it('a failing branch unsubscribes its siblings at the frame of the failure', () => {
    expectSubscriptionsOf({ a: '--#', b: '-----|' }, ({ a, b }) => parallel('fan', [a, b]), {
      authors: '--#',
      error: failure('a'),
      subscriptions: { a: '^-!', b: '^-!' },
    });
  });
});
