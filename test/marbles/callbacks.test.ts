import { loop, sequence, text } from '@rxagents/core';
import { expectAgent, scriptedAgent } from '@rxagents/testing';
import { map, of, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { blockingCallbacks } from '../../packages/core/test/callbackFixtures.js';

describe('agent callbacks (marbles)', () => {
  it('a before-callback that returns content replaces the agent and skips the after-callbacks', () => {
    const calls: string[] = [];
    const guarded = scriptedAgent('guarded', '--body|', {}, blockingCallbacks(calls));
    expectAgent(sequence('flow', [guarded, scriptedAgent('next', '-(n|)')])).toEmit('b(n|)', {
      b: { branch: 'flow.guarded', content: 'blocked' },
      n: { branch: 'flow.next', content: 'n' },
    });
    expect(calls).toEqual(['first', 'second']);
  });

  it('an after-callback appends its content right after the agent completes', () => {
    const reviewed = scriptedAgent(
      'writer',
      '--(d|)',
      { d: 'draft' },
      { afterAgentCallback: () => text('reviewed') },
    );
    expectAgent(reviewed).toEmit('--(dr|)', {
      d: { branch: 'writer', content: 'draft' },
      r: { branch: 'writer', content: 'reviewed' },
    });
  });

  it('callbacks that only write state yield content-less events carrying the delta', () => {
    const counted = scriptedAgent(
      'counted',
      '-c|',
      { c: (ctx) => `n=${String(ctx.state.get('n'))}` },
      {
        beforeAgentCallback: (cb) => {
          cb.set('n', 1);
        },
        afterAgentCallback: (cb) => {
          cb.set('n', (cb.get('n') as number) + 1);
        },
      },
    );
    expectAgent(counted)
      .toEmit('bc(a|)', {
        b: { branch: 'counted', stateDelta: { n: 1 } },
        c: { branch: 'counted', content: 'n=1' },
        a: { branch: 'counted', stateDelta: { n: 2 } },
      })
      .toHaveFinalState({ n: 2 });
  });

  it('an asynchronous before-callback delays the agent in virtual time', () => {
    const slowGate = scriptedAgent(
      'gated',
      '-g|',
      {},
      {
        beforeAgentCallback: (cb) => timer(5, cb.invocation.scheduler).pipe(map(() => undefined)),
      },
    );
    expectAgent(slowGate).toEmit('------g|', { g: { branch: 'gated', content: 'g' } });
  });

  it('a throwing callback fails the run, keeping what was committed before it', () => {
    const broken = scriptedAgent(
      'broken',
      'x|',
      {},
      {
        beforeAgentCallback: () => {
          throw new Error('callback exploded');
        },
      },
    );
    expectAgent(
      sequence('flow', [scriptedAgent('first', '-(f|)', { f: { stateDelta: { kept: true } } }), broken]),
    )
      .toEmit('-(f#)', { f: { branch: 'flow.first', stateDelta: { kept: true } } }, 'callback exploded')
      .toHaveFinalState({ kept: true });
  });

  it('a short-circuiting child inside a loop is short-circuited on every iteration', () => {
    const child = scriptedAgent('child', '-c|', {}, { beforeAgentCallback: () => of(text('cached')) });
    expectAgent(loop('looping', [child], { maxIterations: 3 })).toEmit('(ccc|)', {
      c: { branch: 'looping.child', content: 'cached' },
    });
  });
});
