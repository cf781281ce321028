import { concat, defer, map, NEVER, Observable, of, Subject, throwError, timer } from 'rxjs';
import { P } from 'ts-pattern';
import { describe, expect, it } from 'vitest';
import { collect, rootContext, runAgent, say, sayAfter, trace, traceOf } from '../../test/helpers.js';
import { authorsOf, testScheduler } from '../../test/marbles.js';
import { text, textOf } from '../Content.js';
import type { Event } from '../Event.js';
import { AgentTimeoutError, InvalidAgentConfigError } from '../errors.js';
import { agent } from '../FunctionAgent.js';
import { LoopAgent } from '../LoopAgent.js';
import { SequentialAgent } from '../SequentialAgent.js';
import { andThen } from './andThen.js';
import { fallback } from './fallback.js';
import { match } from './match.js';
import { retry } from './retry.js';
import { timeout } from './timeout.js';
import { when } from './when.js';

/** Fails its first `failures` runs after emitting one event, then succeeds. */
function flaky(name: string, failures: number) {
  let runs = 0;
  return agent(name, (ctx) =>
    defer(() => {
      const run = ++runs;
      const attempt = of(
        ctx.newEvent({ content: text(`attempt ${run}`), actions: { stateDelta: { attempts: run } } }),
      );
      return run <= failures
        ? concat(
            attempt,
            throwError(() => new Error(`boom ${run}`)),
          )
        : attempt;
    }),
  );
}

describe('agent operators', () => {
  it('keep the source on its own branch: a.pipe(op) emits what a would, on the same branches', () => {
    const piped = say('writer').pipe(andThen(say('critic')), andThen(say('reviser')));
    expect(piped.name).toBe('writer');
    const root = new SequentialAgent({ name: 'root', subAgents: [piped] });
    expect(traceOf(root)).toEqual(['writer@root.writer', 'critic@root.critic', 'reviser@root.reviser']);
  });

  it('flatten andThen chains: 5,000 steps run without nesting 5,000 agents', () => {
    const tick = say('tick');
    const chain = say('start').pipe(...Array.from({ length: 5_000 }, () => andThen(tick)));
    const { events } = runAgent(new SequentialAgent({ name: 'root', subAgents: [chain] }));
    expect(events).toHaveLength(5_001);
    expect(events[0]?.branch).toBe('root.start');
    expect(events[5_000]?.branch).toBe('root.tick');
  });

  it('reference their operands without adopting them, so one agent can be used twice', () => {
    const generator = say('generator');
    const flow = generator.pipe(
      andThen(say('check')),
      when(() => true, generator),
    );
    expect(generator.parentAgent).toBeUndefined();
    expect(traceOf(flow)).toEqual(['generator@generator', 'check@check', 'generator@generator']);
    const root = new SequentialAgent({ name: 'root', subAgents: [flow] });
    expect(root.findAgent('check')?.name).toBe('check');
  });

  describe('when', () => {
    const tone = (value: string) => say('tone', { stateDelta: { tone: value } });
    it('runs the branch chosen by the state the source committed', () => {
      const negative = tone('negative').pipe(
        when((s) => s.tone === 'negative', say('regenerate'), say('publish')),
      );
      expect(traceOf(negative)).toEqual(['tone@tone', 'regenerate@regenerate']);
      const positive = tone('positive').pipe(
        when((s) => s.tone === 'negative', say('regenerate'), say('publish')),
      );
      expect(traceOf(positive)).toEqual(['tone@tone', 'publish@publish']);
      const noElse = tone('positive').pipe(when((s) => s.tone === 'negative', say('regenerate')));
      expect(traceOf(noElse)).toEqual(['tone@tone']);
    });

    it('fails the run when the predicate throws, also after a source that completes later', () => {
      const done = new Subject<Event>();
      const flow = agent('source', () => done).pipe(
        when(() => {
          throw new Error('bad predicate');
        }, say('next')),
      );
      let failure: unknown;
      flow.runAsync(rootContext(flow)).subscribe({ error: (e: unknown) => (failure = e) });
      expect(() => done.complete()).not.toThrow();
      expect((failure as Error).message).toBe('bad predicate');
    });
  });

  describe('match', () => {
    it('runs the agent of the first ts-pattern case that matches, else otherwise', () => {
      const grade = (score: number) =>
        say('grader', { stateDelta: { score } }).pipe(
          match(
            (s) => s.score,
            [
              [P.number.gte(8), say('praise')],
              [P.number.gte(5), say('nudge')],
            ],
            say('rewrite'),
          ),
        );
      expect(runAgent(grade(9)).events.map((e) => e.author)).toEqual(['grader', 'praise']);
      expect(runAgent(grade(6)).events.map((e) => e.author)).toEqual(['grader', 'nudge']);
      expect(runAgent(grade(1)).events.map((e) => e.author)).toEqual(['grader', 'rewrite']);
    });
  });

  describe('retry', () => {
    it('runs the source again after a failure; events of failed attempts stay committed', () => {
      const { events, session } = runAgent(flaky('tool', 2).pipe(retry(2)));
      expect(events.map((e) => textOf(e.content))).toEqual(['attempt 1', 'attempt 2', 'attempt 3']);
      expect(session.events).toHaveLength(3);
      expect(session.state.get('attempts')).toBe(3);
    });

    it('gives up after count retries with the last error', () => {
      expect(() => runAgent(flaky('tool', 5).pipe(retry({ count: 1 })))).toThrow('boom 2');
    });

    it('waits the delay in virtual time between attempts', () => {
      const scheduler = testScheduler();
      scheduler.run(({ expectObservable }) => {
        const retried = flaky('tool', 2).pipe(retry({ count: 2, delay: 100 }));
        expectObservable(authorsOf(retried, scheduler)).toBe('t 99ms t 99ms (t|)', { t: 'tool' });
      });
    });

    it('rejects a negative count naming the agent and field', () => {
      expect(() => say('tool').pipe(retry(-1))).toThrow(InvalidAgentConfigError);
      expect(() => say('tool').pipe(retry(-1))).toThrow(/'tool': retry.count/);
    });
  });

  describe('timeout', () => {
    it('fails with AgentTimeoutError at the deadline and tears the source down', () => {
      const scheduler = testScheduler();
      scheduler.run(({ expectObservable, expectSubscriptions, cold }) => {
        const source$ = cold<Event>('-');
        const slow = agent('slow', () => source$);
        const bounded = slow.pipe(timeout(50));
        const ctx = rootContext(bounded, { scheduler });
        expectObservable(bounded.runAsync(ctx)).toBe('50ms #', undefined, new AgentTimeoutError('slow', 50));
        expectSubscriptions(source$.subscriptions).toBe('^ 49ms !');
      });
    });

    it('lets a run that finishes in time through, and cancels its timer', () => {
      const scheduler = testScheduler();
      scheduler.run(({ expectObservable }) => {
        const bounded = sayAfter('quick', 10).pipe(timeout(50));
        expectObservable(authorsOf(bounded, scheduler)).toBe('10ms (q|)', { q: 'quick' });
      });
      expect(scheduler.actions).toHaveLength(0);
    });

    it('limits the gap between events with { each }', () => {
      const scheduler = testScheduler();
      scheduler.run(({ expectObservable }) => {
        const ticking = agent('ticking', (ctx) =>
          concat(timer(10, ctx.scheduler), timer(30, ctx.scheduler)).pipe(map(() => ctx.newEvent({}))),
        );
        const bounded = ticking.pipe(timeout({ each: 20 }));
        expectObservable(authorsOf(bounded, scheduler)).toBe(
          '10ms t 19ms #',
          { t: 'ticking' },
          new AgentTimeoutError('ticking', 20),
        );
      });
    });

    it('rejects a non-positive deadline', () => {
      expect(() => say('a').pipe(timeout(0))).toThrow(/'a': timeout.total/);
    });
  });

  describe('fallback', () => {
    it('records the failure as an error event and runs the alternative', () => {
      const { events, session } = runAgent(flaky('primary', 1).pipe(fallback(say('backup'))));
      expect(events.map((e) => [e.author, e.branch, textOf(e.content), e.errorMessage])).toEqual([
        ['primary', 'primary', 'attempt 1', undefined],
        ['primary', 'primary', '', 'boom 1'],
        ['backup', 'backup', 'backup', undefined],
      ]);
      expect(events[1]?.errorCode).toBe('AGENT_ERROR');
      expect(session.events).toHaveLength(3);
    });

    it('does nothing when the source succeeds', () => {
      expect(trace(runAgent(say('ok').pipe(fallback(say('backup')))).events)).toEqual(['ok@ok']);
    });
  });

  it('compose with workflow agents: retry inside a loop, cancelled on unsubscribe', () => {
    const torn: string[] = [];
    const waiting = agent('waiting', () => new Observable<Event>(() => () => torn.push('waiting')));
    const loop = new LoopAgent({
      name: 'loop',
      subAgents: [say('a'), waiting.pipe(retry(3), timeout(1000))],
    });
    const ctx = rootContext(loop);
    const seen = collect(loop.runAsync(ctx).pipe((s) => new Observable<Event>((o) => s.subscribe(o))));
    expect(seen).toHaveLength(1);
    void NEVER;
  });
});
