import { expectAgent, marbleModel } from '@rxagents/testing';
import { describe, expect, it } from 'vitest';
import { newsDesk } from './newsDesk.js';

const writer = () => marbleModel('--a-b|', { a: 'Fox outruns ', b: 'the hounds' });

// What the desk's events look like, by marble character.
const events = {
  a: { branch: 'desk.writer', content: 'Fox outruns ', partial: true },
  b: { branch: 'desk.writer', content: 'the hounds', partial: true },
  h: {
    branch: 'desk.writer',
    content: 'Fox outruns the hounds',
    stateDelta: { headline: 'Fox outruns the hounds' },
  },
  l: { branch: 'desk.checks.length', stateDelta: { length_ok: true } },
  f: { branch: 'desk.checks.facts', content: 'plausible', partial: true },
  v: { branch: 'desk.checks.facts', content: 'plausible', stateDelta: { facts: 'plausible' } },
  p: { branch: 'desk.publish', content: 'Fox outruns the hounds [facts: plausible, length ok: true]' },
} as const;

describe('newsDesk', () => {
  it('streams the headline, runs both checks in parallel, then publishes', () => {
    const desk = newsDesk({ writer: writer(), factChecker: marbleModel('------(v|)', { v: 'plausible' }) });
    expectAgent(desk, { state: { topic: 'a fox' } })
      .toEmit('--a-b(hl)--(fvp|)', events)
      .toHaveFinalState({
        topic: 'a fox',
        headline: 'Fox outruns the hounds',
        length_ok: true,
        facts: 'plausible',
      });
  });

  it('falls back to "unverified" when the fact-checker takes longer than a second', () => {
    const desk = newsDesk({ writer: writer(), factChecker: marbleModel('5s (v|)', { v: 'too late' }) });
    expectAgent(desk, { state: { topic: 'a fox' } }).toEmit('--a-b(hl) 996ms (eup|)', {
      ...events,
      e: {
        branch: 'desk.checks.facts',
        errorCode: 'AGENT_TIMEOUT',
        errorMessage: "Agent 'facts': timeout: no event within 1000 ms",
      },
      u: { branch: 'desk.checks.unverified', stateDelta: { facts: 'unverified' } },
      p: { branch: 'desk.publish', content: 'Fox outruns the hounds [facts: unverified, length ok: true]' },
    });
  });

  it('stops everything when the reader leaves mid-check: nothing committed after, no timers left', () => {
    const factChecker = marbleModel('------(v|)', { v: 'plausible' });
    const desk = newsDesk({ writer: writer(), factChecker });
    expectAgent(desk, { state: { topic: 'a fox' } })
      .unsubscribeAt('-------!')
      .toEmit('--a-b(hl)', events)
      .toHaveCommitted([events.h, events.l])
      .toHaveNoPendingTimers();
    expect(factChecker.calls.map((call) => call.request.contents)).toEqual([
      [{ role: 'user', parts: [{ text: 'Is this true? Fox outruns the hounds' }] }],
    ]);
  });

  it('a wrong expectation fails with both marbles and a diff', () => {
    const desk = newsDesk({ writer: writer(), factChecker: marbleModel('------(v|)', { v: 'plausible' }) });
    // Forgot the fact-checker's latency: expected its answer right after the checks started.
    const wrong = () => expectAgent(desk, { state: { topic: 'a fox' } }).toEmit('--a-b(hl)(fvp|)', events);
    expect(wrong).toThrow(/expected {2}--a-b\(hl\)\(fvp\|\)\n {2}actual {4}--a-b\(hl\)--\(fvp\|\)/);
    expect(wrong).toThrow(/\n-\s+frame: 9,\n\+\s+frame: 11,\n\s+next: \{\n\s+author: 'facts',/);
  });
});
