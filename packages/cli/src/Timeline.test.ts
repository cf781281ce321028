import { stripVTControlCharacters } from 'node:util';
import { agent, InMemorySessionService, ParallelAgent, Runner, SequentialAgent, text } from '@rxagents/core';
import { lastValueFrom, map, of, tap, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { lifecycleTracer } from './lifecycleTracer.js';
import { formatDuration, renderSummary, renderTimeline } from './renderTimeline.js';
import { Timeline } from './Timeline.js';

const strip = stripVTControlCharacters;

describe('Timeline', () => {
  it('builds the branch tree from spans and events, and totals the run', async () => {
    let now = 0;
    const timeline = new Timeline(() => now);
    const { tracer } = lifecycleTracer((signal) => timeline.signal(signal));
    const say = (name: string, ms: number) =>
      agent(name, (ctx) =>
        timer(ms).pipe(
          map(() =>
            ctx.newEvent({
              content: text(`${name} says hi`),
              actions: { stateDelta: { [name]: ms } },
              usage: { inputTokens: 2, outputTokens: 3 },
            }),
          ),
        ),
      );
    const flow = new SequentialAgent({
      name: 'flow',
      subAgents: [
        agent('streamer', (ctx) =>
          of(
            ctx.newEvent({ content: text('Once '), partial: true }),
            ctx.newEvent({ content: text('upon'), partial: true }),
          ),
        ),
        new ParallelAgent({ name: 'fan', subAgents: [say('a', 1), say('b', 2)] }),
      ],
    });
    const runner = new Runner({
      appName: 'app',
      agent: flow,
      sessionService: new InMemorySessionService(),
      tracer,
    });
    await lastValueFrom(
      runner.run({ userId: 'u', sessionId: 's', newMessage: 'go' }).pipe(
        tap((event) => {
          now += 100;
          timeline.event(event);
        }),
      ),
    );
    expect(timeline.tracing).toBe(true);
    expect(timeline.rows.map((r) => `${r.branch}:${r.status}`)).toEqual([
      'flow:completed',
      'flow.streamer:completed',
      'flow.fan:completed',
      'flow.fan.a:completed',
      'flow.fan.b:completed',
    ]);
    expect(timeline.totals()).toEqual({
      events: 2,
      partialEvents: 2,
      modelCalls: 0,
      tokens: { input: 4, output: 6, total: 10 },
      toolCalls: 0,
    });
    expect(strip(renderTimeline(timeline, { columns: 60, spinner: '*' })).split('\n')).toEqual([
      expect.stringMatching(/^✔ flow \d+ms$/),
      expect.stringMatching(/^├─ ✔ streamer \d+ms$/),
      '│      Once upon',
      expect.stringMatching(/^└─ ✔ fan \d+ms$/),
      expect.stringMatching(/^ {3}├─ ✔ a \d+ms$/),
      '   │      a says hi',
      '   │      state a = 1',
      expect.stringMatching(/^ {3}└─ ✔ b \d+ms$/),
      '          b says hi',
      '          state b = 2',
    ]);
  });

  it('times a loop iteration from its own start (lastRunElapsed), the row from the first (elapsed)', () => {
    let now = 0;
    const timeline = new Timeline(() => now);
    const start = { type: 'agentStart', name: 'critic', branch: 'refine.critic' } as const;
    const end = { ...start, type: 'agentEnd', outcome: 'completed' } as const;
    timeline.signal(start);
    now = 800;
    timeline.signal(end);
    const row = timeline.rows[0]!;
    expect(timeline.lastRunElapsed(row)).toBe(800);
    now = 1000;
    timeline.signal(start);
    now = 1050;
    timeline.signal(end);
    expect(row.runs).toBe(2);
    expect(timeline.lastRunElapsed(row)).toBe(50);
    expect(timeline.elapsed(row)).toBe(1050);
  });

  it('without spans, shows agents from their first event and closes them at the end', () => {
    const timeline = new Timeline(() => 0);
    const ctx = { author: 'w', branch: 'root.w' };
    timeline.event({
      id: '1',
      invocationId: 'i',
      timestamp: 0,
      actions: { stateDelta: {} },
      ...ctx,
      content: text('hi'),
      usage: { totalTokens: 5 },
    });
    expect(timeline.rows[0]?.status).toBe('running');
    timeline.finish('cancelled');
    expect(timeline.rows[0]?.status).toBe('cancelled');
    expect(timeline.totals().modelCalls).toBe(1);
    expect(strip(renderTimeline(timeline, { columns: 40, spinner: '*' }))).toBe('■ w 0ms\n    hi');
  });
});

describe('renderSummary', () => {
  it('reports events, model calls, tokens, duration and the session', () => {
    const out = strip(
      renderSummary(
        'cancelled',
        { events: 3, partialEvents: 0, modelCalls: undefined, tokens: undefined, toolCalls: 0 },
        61_000,
        { appName: 'a', userId: 'u', sessionId: 's', committed: 4 },
      ),
    );
    expect(out.split('\n')).toEqual([
      '■ cancelled summary',
      '  events      3 committed',
      '  model calls unknown',
      '  tokens      unknown',
      '  duration    1m01s',
      '  session     a/u/s · 4 events committed',
    ]);
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(4200)).toBe('4.2s');
  });
});
