import { AgentTimeoutError, andThen, fallback, retry, timeout, when } from '@rxagents/core';
import { expectAgent, scriptedAgent } from '@rxagents/testing';
import { describe, it } from 'vitest';
import { expectSubscriptionsOf, failure } from './subscriptions.js';

/**
 * Emits `attempt n` at frame 1 of its n-th run, then fails at frame 2 while n <= failures,
 * else emits `done` and completes. The run count lives with the test double, across retries.
 */
function flaky(name: string, failures: number) {
  let runs = 0;
  return scriptedAgent(name, '-a(e|)', {
    a: () => ({ content: `attempt ${++runs}`, stateDelta: { attempts: runs } }),
    e: () => {
      if (runs <= failures) throw new Error(`boom ${runs}`);
      return { content: 'done' };
    },
  });
}

describe('agent operators (marbles)', () => {
  it('retry runs the source again after each failure, waiting the delay in virtual time', () => {
    const tool = flaky('tool', 2).pipe(retry({ count: 2, delay: 100 }));
    const attempt = (n: number) => ({ branch: 'tool', content: `attempt ${n}`, stateDelta: { attempts: n } });
    expectAgent(tool)
      .toEmit('-a 100ms -b 100ms -c(d|)', {
        a: attempt(1),
        b: attempt(2),
        c: attempt(3),
        d: { branch: 'tool', content: 'done' },
      })
      .toHaveFinalState({ attempts: 3 });
  });

  it('retry gives up after count retries with the last error, keeping the failed attempts committed', () => {
    const tool = flaky('tool', 5).pipe(retry({ count: 1, delay: 10 }));
    const attempt = (n: number) => ({ branch: 'tool', content: `attempt ${n}`, stateDelta: { attempts: n } });
    expectAgent(tool)
      .toEmit('-a 10ms -b#', { a: attempt(1), b: attempt(2) }, 'boom 2')
      .toHaveCommitted([attempt(1), attempt(2)]);
  });

  it('timeout fails at the deadline in virtual time and tears the source down', () => {
    const slow = scriptedAgent('slow', '-a 100ms b|').pipe(timeout(50));
    expectAgent(slow)
      .toEmit('-a 48ms #', { a: { branch: 'slow', content: 'a' } }, new AgentTimeoutError('slow', 50))
      .toHaveNoPendingTimers();
  });

  it('timeout lets a run that finishes in time through and cancels its timer', () => {
    const quick = scriptedAgent('quick', '----------(q|)').pipe(timeout(50));
    expectAgent(quick)
      .toEmit('----------(q|)', { q: { branch: 'quick', content: 'q' } })
      .toHaveNoPendingTimers();
  });

  it('timeout.each limits the gap between events', () => {
    const gappy = scriptedAgent('gappy', '-a--b-----c|').pipe(timeout({ each: 4 }));
    expectAgent(gappy).toEmit(
      '-a--b---#',
      {
        a: { branch: 'gappy', content: 'a' },
        b: { branch: 'gappy', content: 'b' },
      },
      { code: 'AGENT_TIMEOUT' },
    );
  });

  it('fallback records the failure as an error event and runs the alternative', () => {
    const answer = scriptedAgent('primary', '-p-#', {}, { error: new Error('model down') }).pipe(
      fallback(scriptedAgent('backup', '-(b|)')),
    );
    expectAgent(answer).toEmit('-p-e(b|)', {
      p: { branch: 'primary', content: 'p' },
      e: { branch: 'primary', errorCode: 'AGENT_ERROR', errorMessage: 'model down' },
      b: { branch: 'backup', content: 'b' },
    });
  });

  it('timeout + fallback: an AGENT_TIMEOUT event, committed, then the alternative (as the README says)', () => {
    const robust = scriptedAgent('researcher', '100ms (r|)').pipe(
      timeout(50),
      fallback(scriptedAgent('cheap', '-(c|)')),
    );
    const timedOut = {
      branch: 'researcher',
      errorCode: 'AGENT_TIMEOUT',
      errorMessage: new AgentTimeoutError('researcher', 50).message,
    };
    expectAgent(robust)
      .toEmit('50ms e(c|)', { e: timedOut, c: { branch: 'cheap', content: 'c' } })
      .toHaveCommitted([timedOut, { branch: 'cheap', content: 'c' }])
      .toHaveNoPendingTimers();
  });

  it('when chooses the next agent from the state the source committed', () => {
    const tone = (value: string) =>
      scriptedAgent('tone', '-(t|)', { t: { stateDelta: { tone: value } } }).pipe(
        when(
          (s) => s.tone === 'negative',
          scriptedAgent('regenerate', '--(r|)'),
          scriptedAgent('publish', '(p|)'),
        ),
      );
    expectAgent(tone('negative')).toEmit('-t-(r|)', {
      t: { branch: 'tone', stateDelta: { tone: 'negative' } },
      r: { branch: 'regenerate', content: 'r' },
    });
    expectAgent(tone('positive')).toEmit('-(tp|)', {
      t: { branch: 'tone', stateDelta: { tone: 'positive' } },
      p: { branch: 'publish', content: 'p' },
    });
  });

  it('andThen subscribes the next agent at the frame the source completes', () => {
    expectSubscriptionsOf({ a: '--|', b: '---|' }, ({ a, b }) => a.pipe(andThen(b)), {
      authors: '-----|',
      subscriptions: { a: '^-!', b: '--^--!' },
    });
  });

  it('fallback subscribes the alternative only at the frame the source fails', () => {
    expectSubscriptionsOf({ main: '--#', alt: '-|' }, ({ main, alt }) => main.pipe(fallback(alt)), {
      authors: '--m|',
      authorValues: { m: 'main' },
      subscriptions: { main: '^-!', alt: '--^!' },
    });
  });

  it('when subscribes the chosen agent after the source completes, and never the other', () => {
    expectSubscriptionsOf(
      { checks: '--|', yes: '-|', no: '-|' },
      ({ checks, yes, no }) => checks.pipe(when(() => false, yes, no)),
      { authors: '---|', subscriptions: { checks: '^-!', yes: [], no: '--^!' } },
    );
  });

  it('retry subscribes the source again at the frame of each failure', () => {
    expectSubscriptionsOf({ flaky: '-#' }, ({ flaky }) => flaky.pipe(retry(2)), {
      authors: '---#',
      error: failure('flaky'),
      subscriptions: { flaky: ['^!', '-^!', '--^!'] },
    });
  });

  it('timeout unsubscribes the source at the deadline', () => {
    expectSubscriptionsOf({ slow: '-' }, ({ slow }) => slow.pipe(timeout(5)), {
      authors: '-----#',
      error: new AgentTimeoutError('slow', 5),
      subscriptions: { slow: '^----!' },
    });
  });
});
