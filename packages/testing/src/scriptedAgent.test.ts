import { loop, sequence, text } from '@rxagents/core';
import { map, take } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { expectAgent } from './expectAgent.js';
import { scriptedAgent } from './scriptedAgent.js';
import { testContext } from './testContext.js';
import { testScheduler } from './testScheduler.js';

describe('scriptedAgent', () => {
  it('emits each character as an event at its frame, stamped by the context', () => {
    const writer = scriptedAgent('writer', '--a 5ms (b|)', {
      a: { content: 'draft', stateDelta: { draft: 'v1' } },
      b: { content: text('done'), escalate: true, partial: false },
    });
    const run = expectAgent(writer).toEmit('--a 5ms (b|)', {
      a: { branch: 'writer', content: 'draft', stateDelta: { draft: 'v1' }, id: 'e2', timestamp: 2 },
      b: { branch: 'writer', content: 'done', escalate: true, timestamp: 8, invocationId: 'inv-e1' },
    }).recording;
    expect(run.session.state.snapshot()).toEqual({ draft: 'v1' });
  });

  it('emits a character without a value as its own text', () => {
    expectAgent(scriptedAgent('echo', '-x|')).toEmit('-x|', { x: { branch: 'echo', content: 'x' } });
  });

  it('computes function values when their frame comes, after earlier deltas were committed', () => {
    const counter = scriptedAgent('counter', 'a-b|', {
      a: { stateDelta: { n: 1 } },
      b: (ctx) => ({ content: `n=${String(ctx.state.get('n'))}`, stateDelta: { n: 2 } }),
    });
    expectAgent(counter)
      .toEmit('a-b|', {
        a: { branch: 'counter', stateDelta: { n: 1 } },
        b: { branch: 'counter', content: 'n=1', stateDelta: { n: 2 } },
      })
      .toHaveFinalState({ n: 2 });
  });

  it('fails at # with the given error, or a default one naming the agent', () => {
    const boom = new TypeError('boom');
    expectAgent(scriptedAgent('tool', '-a-#', {}, { error: boom })).toEmit(
      '-a-#',
      { a: { branch: 'tool', content: 'a' } },
      boom,
    );
    expectAgent(scriptedAgent('tool', '--#')).toEmit('--#', {}, 'tool: scripted error');
  });

  it('fails the run when a function value throws', () => {
    const broken = scriptedAgent('broken', '--a', {
      a: () => {
        throw new Error('value exploded');
      },
    });
    expectAgent(broken).toEmit('--#', {}, 'value exploded');
  });

  it('emits frame-0 events synchronously, so it works without a TestScheduler', () => {
    const sync = scriptedAgent('sync', '(abc|)');
    const ctx = testContext({ agent: sync });
    const seen: string[] = [];
    sync
      .runAsync(ctx)
      .pipe(
        map((e) => e.content?.parts[0]),
        take(2),
      )
      .subscribe((part) => seen.push(part !== undefined && 'text' in part ? part.text : '?'));
    expect(seen).toEqual(['a', 'b']);
    expect(ctx.session.events).toHaveLength(2);
  });

  it('runs under a hand-driven TestScheduler through ctx.scheduler', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const flow = sequence('flow', [scriptedAgent('a', '-a|'), scriptedAgent('b', '--b|')]);
      const ctx = testContext({ agent: flow, scheduler });
      expectObservable(flow.runAsync(ctx).pipe(map((e) => `${e.branch}@${e.timestamp}`))).toBe('-a--b|', {
        a: 'flow.a@1',
        b: 'flow.b@4',
      });
    });
  });

  it('passes agent options through, e.g. a short-circuiting before-callback', () => {
    const guarded = scriptedAgent('guarded', '--a|', {}, { beforeAgentCallback: () => text('blocked') });
    expectAgent(guarded).toEmit('(b|)', { b: { branch: 'guarded', content: 'blocked' } });
  });

  it("rejects '^' and '!' in its marble when it is built", () => {
    expect(() => scriptedAgent('bad', '--!')).toThrow("'^' and '!' belong in subscription marbles");
  });

  it('replays the script from the start on every run (per-run state lives in the run)', () => {
    const once = scriptedAgent('once', '-a|');
    const twice = sequence('twice', [loopOf(once)]);
    expectAgent(twice).toEmit('-a-a|', {
      a: { branch: 'twice.loop.once', content: 'a' },
    });
  });
});

function loopOf(sub: ReturnType<typeof scriptedAgent>) {
  return loop('loop', [sub], { maxIterations: 2 });
}
