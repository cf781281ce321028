import { sequence } from '@rxagents/core';
import { describe, expect, it } from 'vitest';
import { recordAgent } from './recordAgent.js';
import { scriptedAgent } from './scriptedAgent.js';

describe('recordAgent', () => {
  it('records notifications with frames, the session and the context', () => {
    const flow = sequence('flow', [scriptedAgent('a', '-a|', { a: { content: 'x', stateDelta: { k: 1 } } })]);
    const run = recordAgent(flow, { state: { start: true } });
    expect(run.notifications.map(({ frame, notification }) => [frame, notification.kind])).toEqual([
      [1, 'N'],
      [2, 'C'],
    ]);
    expect(run.events.map((e) => [e.id, e.timestamp, e.branch])).toEqual([['e2', 1, 'flow.a']]);
    expect(run.session.events).toEqual(run.events);
    expect(run.session.state.snapshot()).toEqual({ start: true, k: 1 });
    expect(run.context.invocationId).toBe('inv-e1');
    expect(run.subscribedAt).toBe(0);
    expect(run.unsubscribedAt).toBeUndefined();
    expect(run.timersAfterRun).toEqual([]);
  });

  it('commits the user content as a user event before the run, as the Runner does', () => {
    const run = recordAgent(scriptedAgent('a', '(a|)'), { userContent: 'hi' });
    expect(run.session.events.map((e) => [e.author, e.branch, e.content?.role])).toEqual([
      ['user', '', 'user'],
      ['a', 'a', 'model'],
    ]);
  });

  it('follows a subscription marble and reports the timers left after unsubscribing', () => {
    const run = recordAgent(scriptedAgent('a', '---a-b|'), { subscription: '-^-!' });
    expect(run.subscribedAt).toBe(1);
    expect(run.unsubscribedAt).toBe(3);
    expect(run.events).toEqual([]);
    expect(run.timersAfterUnsubscribe).toEqual([]);
  });

  it("rejects a subscription marble whose '!' comes before its '^'", () => {
    expect(() => recordAgent(scriptedAgent('a', 'a|'), { subscription: '-!-^' })).toThrow(
      /'!' comes before '\^'/,
    );
  });
});
