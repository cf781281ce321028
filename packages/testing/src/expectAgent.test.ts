import { agent, type Event, sequence, text } from '@rxagents/core';
import { NEVER, Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { expectAgent } from './expectAgent.js';
import { scriptedAgent } from './scriptedAgent.js';

function failureOf(run: () => unknown): string {
  try {
    run();
  } catch (error: unknown) {
    return (error as Error).message;
  }
  throw new Error('expected the assertion to fail');
}

const flow = () =>
  sequence('flow', [
    scriptedAgent('writer', '--d|', { d: { content: 'draft', stateDelta: { draft: 'v1' } } }),
    scriptedAgent('critic', '-(c|)', { c: 'fine' }),
  ]);

const expectedFlow = {
  d: { branch: 'flow.writer', content: 'draft', stateDelta: { draft: 'v1' } },
  c: { branch: 'flow.critic', content: 'fine' },
} as const;

/** The lines that open every failure's diff, before the differing values. */
const DIFF_HEADER = ['values differ', '', '- expected', '+ actual', ''];

describe('expectAgent', () => {
  describe('toEmit', () => {
    it('passes when events and frames match the marble', () => {
      expectAgent(flow()).toEmit('--d-(c|)', expectedFlow);
    });

    it('fails with both marble diagrams and a line diff of the timelines', () => {
      const message = failureOf(() =>
        expectAgent(flow()).toEmit('--d--(c|)', {
          ...expectedFlow,
          d: { branch: 'flow.writer', content: 'draft', stateDelta: { draft: 'v2' } },
        }),
      );
      expect(message).toBe(
        [
          "expectAgent(flow).toEmit('--d--(c|)') failed",
          '',
          '  expected  --d--(c|)',
          '  actual    --?-(c|)',
          '',
          ...DIFF_HEADER,
          '  [',
          '    {',
          '      frame: 2,',
          "-     next: { author: 'writer', branch: 'flow.writer', content: 'draft', stateDelta: { draft: 'v2' } },",
          "+     next: { author: 'writer', branch: 'flow.writer', content: 'draft', stateDelta: { draft: 'v1' } },",
          '    },',
          "-   { frame: 5, next: { author: 'critic', branch: 'flow.critic', content: 'fine' } },",
          '-   { frame: 5, complete: true },',
          "+   { frame: 4, next: { author: 'critic', branch: 'flow.critic', content: 'fine' } },",
          '+   { frame: 4, complete: true },',
          '  ]',
        ].join('\n'),
      );
    });

    it('fails on a wrong author or branch', () => {
      const message = failureOf(() =>
        expectAgent(flow()).toEmit('--d-(c|)', {
          ...expectedFlow,
          c: { branch: 'flow.critic', author: 'judge' },
        }),
      );
      expect(message).toContain("-   { frame: 4, next: { author: 'judge', branch: 'flow.critic' } },");
      expect(message).toContain(
        "+   { frame: 4, next: { author: 'critic', branch: 'flow.critic', content: 'fine' } },",
      );
    });

    it('ignores ids, timestamps and invocation ids unless an expected event gives them', () => {
      expectAgent(flow()).toEmit('--d-(c|)', {
        d: { ...expectedFlow.d, id: 'e2', invocationId: 'inv-e1', timestamp: 2 },
        c: expectedFlow.c,
      });
      const message = failureOf(() =>
        expectAgent(flow()).toEmit('--d-(c|)', { ...expectedFlow, c: { ...expectedFlow.c, id: 'e9' } }),
      );
      expect(message).toContain(
        "-   { frame: 4, next: { author: 'critic', branch: 'flow.critic', content: 'fine', id: 'e9' } },",
      );
      expect(message).toContain(
        "+   { frame: 4, next: { author: 'critic', branch: 'flow.critic', content: 'fine', id: 'e3' } },",
      );
    });

    it('matches errors by message, by error, by fields, or any error', () => {
      const failing = () => scriptedAgent('tool', '-#', {}, { error: new TypeError('boom') });
      expectAgent(failing()).toEmit('-#', {}, 'boom');
      expectAgent(failing()).toEmit('-#', {}, new TypeError('boom'));
      expectAgent(failing()).toEmit('-#', {}, { name: 'TypeError' });
      expectAgent(failing()).toEmit('-#');
      expect(failureOf(() => expectAgent(failing()).toEmit('-#', {}, 'bang'))).toContain(
        "- [{ frame: 1, error: { message: 'bang' } }]\n+ [{ frame: 1, error: { message: 'boom' } }]",
      );
      expect(failureOf(() => expectAgent(failing()).toEmit('-|'))).toContain(
        "+ [{ frame: 1, error: { name: 'TypeError', message: 'boom' } }]",
      );
    });

    it('draws events that match no expected value as ? in the actual marble', () => {
      const message = failureOf(() =>
        expectAgent(scriptedAgent('a', '-x-y|')).toEmit('-x|', { x: { branch: 'a', content: 'x' } }),
      );
      expect(message).toContain('  expected  -x|\n  actual    -x-?|');
    });

    it('draws long gaps as time progressions', () => {
      const message = failureOf(() =>
        expectAgent(scriptedAgent('slow', 'a 499ms b|')).toEmit('a|', {
          a: { branch: 'slow', content: 'a' },
        }),
      );
      expect(message).toContain('  actual    a 499ms ?|');
    });

    it('says which character has no expected value', () => {
      expect(() => expectAgent(flow()).toEmit('--d-(x|)', expectedFlow)).toThrow(
        "toEmit('--d-(x|)'): no expected event for 'x' in the values",
      );
    });

    it('hands timelines to a custom assertDeepEqual and prefixes its failure with the marbles', () => {
      const seen: unknown[] = [];
      expectAgent(flow(), { assertDeepEqual: (actual, expected) => seen.push(actual, expected) }).toEmit(
        '--d|',
        expectedFlow,
      );
      expect(seen[1]).toEqual([
        {
          frame: 2,
          next: { author: 'writer', branch: 'flow.writer', content: 'draft', stateDelta: { draft: 'v1' } },
        },
        { frame: 3, complete: true },
      ]);
      const message = failureOf(() =>
        expectAgent(flow(), { assertDeepEqual: (a, b) => expect(a).toEqual(b) }).toEmit('--d|', expectedFlow),
      );
      expect(message).toMatch(
        /^expectAgent\(flow\)\.toEmit\('--d\|'\) failed\n\n {2}expected {2}--d\|\n {2}actual {4}--d-\(c\|\)\n\nexpected \[/,
      );
    });
  });

  describe('toHaveCommitted', () => {
    it('compares the committed log, the user event included', () => {
      expectAgent(flow(), { userContent: 'go' }).toHaveCommitted([
        { author: 'user', branch: '', content: text('go', 'user') },
        expectedFlow.d,
        expectedFlow.c,
      ]);
    });

    it('never holds partial events', () => {
      const streaming = scriptedAgent('s', 'ab|', { a: { content: 'Hel', partial: true }, b: 'Hello' });
      expectAgent(streaming)
        .toEmit('ab|', {
          a: { branch: 's', content: 'Hel', partial: true },
          b: { branch: 's', content: 'Hello' },
        })
        .toHaveCommitted([{ branch: 's', content: 'Hello' }]);
    });

    it('fails with a diff of the logs', () => {
      expect(failureOf(() => expectAgent(flow()).toHaveCommitted([expectedFlow.d]))).toBe(
        [
          'expectAgent(flow).toHaveCommitted(…) failed',
          '',
          ...DIFF_HEADER,
          '  [',
          "    { author: 'writer', branch: 'flow.writer', content: 'draft', stateDelta: { draft: 'v1' } },",
          "+   { author: 'critic', branch: 'flow.critic', content: 'fine' },",
          '  ]',
        ].join('\n'),
      );
    });

    it('asks for an author when the branch is empty', () => {
      expect(() => expectAgent(flow()).toHaveCommitted([{ branch: '' }])).toThrow(
        "branch '' needs an author",
      );
    });
  });

  describe('toHaveFinalState', () => {
    it('compares the whole state after the run', () => {
      expectAgent(flow(), { state: { topic: 'fox' } }).toHaveFinalState({ topic: 'fox', draft: 'v1' });
      expect(
        failureOf(() => expectAgent(flow(), { state: { topic: 'fox' } }).toHaveFinalState({ topic: 'fox' })),
      ).toBe(
        [
          'expectAgent(flow).toHaveFinalState(…) failed',
          '',
          ...DIFF_HEADER,
          "- { topic: 'fox' }",
          "+ { topic: 'fox', draft: 'v1' }",
        ].join('\n'),
      );
    });
  });

  describe('cancellation', () => {
    it('unsubscribes at the ! of a marble: nothing after it, no timers left', () => {
      expectAgent(flow())
        .unsubscribeAt('---!')
        .toEmit('--d', { d: expectedFlow.d })
        .toHaveCommitted([expectedFlow.d])
        .toHaveNoPendingTimers();
    });

    it('subscribes late with a ^ (frames stay absolute)', () => {
      expectAgent(scriptedAgent('a', '-x|'))
        .withSubscription('--^')
        .toEmit('---x|', { x: { branch: 'a', content: 'x' } });
    });

    it('reports timers that were left scheduled after unsubscribing', () => {
      const leaky = agent('leaky', (ctx) => {
        ctx.scheduler.schedule(() => undefined, 50);
        return NEVER;
      });
      expect(
        failureOf(() => expectAgent(leaky).unsubscribeAt('--!').toEmit('--').toHaveNoPendingTimers()),
      ).toBe(
        'expectAgent(leaky).toHaveNoPendingTimers(): 1 timer was still scheduled right after unsubscribing at ' +
          'frame 2 (due at frames 50); something beneath did not tear down',
      );
    });

    it('reports timers still scheduled when the run was cut off at maxFrames', () => {
      const endless = agent(
        'endless',
        (ctx) =>
          new Observable<Event>((subscriber) =>
            ctx.scheduler.schedule(function (this: { schedule(state?: unknown, delay?: number): unknown }) {
              subscriber.next(ctx.newEvent({}));
              this.schedule(undefined, 10);
            }, 10),
          ),
      );
      const expectation = expectAgent(endless, { maxFrames: 30 });
      expect(expectation.recording.events.map((e) => e.timestamp)).toEqual([10, 20, 30]);
      expect(failureOf(() => expectation.toHaveNoPendingTimers())).toContain(
        '1 timer was still scheduled when the run stopped at maxFrames (due at frames 40)',
      );
    });

    it('refuses to change the subscription after the run', () => {
      const expectation = expectAgent(flow()).toEmit('--d-(c|)', expectedFlow);
      expect(() => expectation.unsubscribeAt('-!')).toThrow(
        'set the subscription before the first assertion',
      );
      expect(() => expectAgent(flow()).unsubscribeAt('--')).toThrow("needs a '!'");
    });
  });
});

describe('expectAgent marble drawing', () => {
  it('lists the frames when the actual timeline cannot be drawn exactly', () => {
    const close = sequence('close', [scriptedAgent('a', '(ab|)'), scriptedAgent('c', '-c|')]);
    const message = failureOf(() => expectAgent(close).toEmit('|'));
    expect(message).toContain(
      '  actual    (??)?|\n  (actual frames, closer than a marble can draw: 0: ??, 1: ?, 2: |)',
    );
  });
});
