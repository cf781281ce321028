import { agent, LoopAgent, loop, sequence, text } from '@rxagents/core';
import { expectAgent, scriptedAgent } from '@rxagents/testing';
import { describe, it } from 'vitest';
import { expectSubscriptionsOf } from './subscriptions.js';

/** Counts its runs in the state: n = 1, 2, 3, … */
const counter = () =>
  scriptedAgent('worker', '-w|', {
    w: (ctx) => ({ stateDelta: { n: ((ctx.state.get('n') as number | undefined) ?? 0) + 1 } }),
  });

describe('LoopAgent (marbles)', () => {
  it('runs its sub-agents maxIterations times, back to back in virtual time', () => {
    const refine = new LoopAgent({
      name: 'refine',
      subAgents: [scriptedAgent('critic', '-c|'), scriptedAgent('reviser', '--r|')],
      maxIterations: 2,
    });
    const c = { branch: 'refine.critic', content: 'c' };
    const r = { branch: 'refine.reviser', content: 'r' };
    expectAgent(refine).toEmit('-c--r-c--r|', { c, r });
  });

  it('stops at the escalating event and cancels the rest of that iteration', () => {
    const judge = scriptedAgent('judge', '-j|', {
      j: (ctx) => ({ content: `n=${String(ctx.state.get('n'))}`, escalate: ctx.state.get('n') === 2 }),
    });
    const refine = loop('refine', [counter(), judge, scriptedAgent('after', '-a|')]);
    const w = (n: number) => ({ branch: 'refine.worker', stateDelta: { n } });
    expectAgent(refine)
      .toEmit('-w-j-a-W-(J|)', {
        w: w(1),
        j: { branch: 'refine.judge', content: 'n=1' },
        a: { branch: 'refine.after', content: 'a' },
        W: w(2),
        J: { branch: 'refine.judge', content: 'n=2', escalate: true },
      })
      .toHaveFinalState({ n: 2 });
  });

  it('an escalation in an inner loop stops only that loop; the outer loop carries on', () => {
    const inner = loop('inner', [
      scriptedAgent('work', '-w|'),
      scriptedAgent('stop', '-(s|)', { s: { escalate: true } }),
    ]);
    const outer = loop('outer', [inner, scriptedAgent('tick', '-(t|)')], { maxIterations: 2 });
    const values = {
      w: { branch: 'outer.inner.work', content: 'w' },
      s: { branch: 'outer.inner.stop', escalate: true },
      t: { branch: 'outer.tick', content: 't' },
    };
    expectAgent(outer).toEmit('-w-stw-s(t|)', values);
  });

  it('ctx.end() in a child ends that child only; the parent loop carries on', () => {
    const quitter = agent('quitter', (ctx) => {
      ctx.end();
      return scriptedAgent('never', '-x|').runAsync(ctx);
    });
    const tick = scriptedAgent('tick', '-t|');
    const looping = loop('looping', [quitter, tick], { maxIterations: 3 });
    expectAgent(looping).toEmit('-t-t-t|', { t: { branch: 'looping.tick', content: 't' } });
  });

  it('ctx.end() at a later frame stops the child at once, before its event; the loop carries on', () => {
    const child = scriptedAgent('child', '-a--b|', {
      b: (ctx) => {
        ctx.end();
        return 'b';
      },
    });
    expectAgent(loop('looping', [child], { maxIterations: 2 })).toEmit('-a---a--|', {
      a: { branch: 'looping.child', content: 'a' },
    });
  });

  it('a child whose before-callback ends its context is skipped on every iteration', () => {
    const guarded = scriptedAgent('guarded', '-g|', {}, { beforeAgentCallback: (cb) => cb.invocation.end() });
    const looping = loop('looping', [guarded, scriptedAgent('sibling', '--s|')], { maxIterations: 2 });
    expectAgent(looping).toEmit('--s--s|', { s: { branch: 'looping.sibling', content: 's' } });
  });

  it('an escalation inside a sequence stops the loop around it', () => {
    const body = sequence('body', [
      scriptedAgent('check', '-(c|)', { c: { content: text('stop'), escalate: true } }),
      scriptedAgent('after', 'a|'),
    ]);
    const looping = loop('looping', [body, scriptedAgent('tail', 't|')], { maxIterations: 5 });
    expectAgent(looping).toEmit('-(c|)', {
      c: { branch: 'looping.body.check', content: 'stop', escalate: true },
    });
  });

  it('subscribes its sub-agents afresh on every iteration, each when the previous completes', () => {
    expectSubscriptionsOf({ a: '-|', b: '--|' }, ({ a, b }) => loop('refine', [a, b], { maxIterations: 2 }), {
      authors: '------|',
      subscriptions: { a: ['^!', '---^!'], b: ['-^-!', '----^-!'] },
    });
  });

  it('a cancel mid-iteration unsubscribes the running sub-agent and starts no other', () => {
    expectSubscriptionsOf(
      { a: '-|', b: '----|' },
      ({ a, b }) => loop('refine', [a, b], { maxIterations: 2 }),
      {
        run: '^--!',
        authors: '-',
        subscriptions: { a: '^!', b: '-^-!' },
      },
    );
  });
});
