import { Session, text } from '@rxagents/core';
import { describe, expect, it } from 'vitest';
import { scriptedAgent } from './scriptedAgent.js';
import { testContext } from './testContext.js';
import { testScheduler } from './testScheduler.js';

describe('testContext', () => {
  it('stamps deterministic ids, the invocation id and the scheduler time', () => {
    const scheduler = testScheduler();
    const ctx = testContext({ state: { topic: 'fox' }, scheduler });
    expect(ctx.invocationId).toBe('inv-e1');
    expect(ctx.newEvent({ content: text('x') })).toMatchObject({
      id: 'e2',
      author: 'test',
      branch: '',
      timestamp: 0,
    });
    expect(ctx.state.snapshot()).toEqual({ topic: 'fox' });
    expect(ctx.scheduler).toBe(scheduler);
  });

  it('runs in a given session, with an id prefix and a string user message', () => {
    const session = new Session({ id: 's9', appName: 'app', userId: 'u', state: { k: 1 } });
    const writer = scriptedAgent('writer', '(w|)');
    const ctx = testContext({ session, agent: writer, idPrefix: 'id', userContent: 'hello' });
    expect(ctx.session).toBe(session);
    expect(ctx.agent).toBe(writer);
    expect(ctx.invocationId).toBe('inv-id1');
    expect(ctx.userContent).toEqual(text('hello', 'user'));
  });

  it('does not accept both a state and a session (type error)', () => {
    const session = new Session({ id: 's', appName: 'a', userId: 'u' });
    // @ts-expect-error state and session are exclusive
    const options: Parameters<typeof testContext>[0] = { session, state: { a: 1 } };
    expect(options).toBeDefined();
  });
});
