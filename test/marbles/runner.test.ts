import { InMemorySessionService, Runner, sequence } from '@rxagents/core';
import { eventView, scriptedAgent, testScheduler } from '@rxagents/testing';
import { firstValueFrom, map } from 'rxjs';
import { describe, expect, it } from 'vitest';

const flow = () => sequence('flow', [scriptedAgent('a', '-a|'), scriptedAgent('b', '--b|')]);

describe('Runner (marbles)', () => {
  it('runs the root agent in the runner scheduler virtual time and appends every event', () => {
    const scheduler = testScheduler();
    const sessions = new InMemorySessionService();
    scheduler.run(({ expectObservable }) => {
      const runner = new Runner({ appName: 'app', agent: flow(), sessionService: sessions, scheduler });
      const run = runner.run({ userId: 'u', sessionId: 's', newMessage: 'hi' });
      expectObservable(run.pipe(map((e) => `${e.branch}@${e.timestamp}`))).toBe('-a--b|', {
        a: 'flow.a@1',
        b: 'flow.b@4',
      });
    });
    return firstValueFrom(sessions.getSession({ appName: 'app', userId: 'u', sessionId: 's' })).then(
      (session) => {
        expect(session?.events.map((e) => eventView(e))).toEqual([
          { author: 'user', branch: '', content: { role: 'user', parts: [{ text: 'hi' }] } },
          { author: 'a', branch: 'flow.a', content: 'a' },
          { author: 'b', branch: 'flow.b', content: 'b' },
        ]);
      },
    );
  });

  it('completes at the frame the abort signal fires, running nothing after it', () => {
    const scheduler = testScheduler();
    const sessions = new InMemorySessionService();
    const controller = new AbortController();
    scheduler.run(({ cold, expectObservable }) => {
      const runner = new Runner({ appName: 'app', agent: flow(), sessionService: sessions, scheduler });
      cold('--x').subscribe(() => controller.abort());
      const run = runner.run({ userId: 'u', sessionId: 's', signal: controller.signal });
      expectObservable(run.pipe(map((e) => e.author))).toBe('-a|', { a: 'a' });
    });
    expect(scheduler.actions).toEqual([]);
  });
});
