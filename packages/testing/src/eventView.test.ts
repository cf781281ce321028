import { text } from '@rxagents/core';
import { describe, expect, it } from 'vitest';
import { eventView, expectedView } from './eventView.js';
import { testContext } from './testContext.js';
import { testScheduler } from './testScheduler.js';

const ctx = () => testContext({ scheduler: testScheduler() });

describe('eventView', () => {
  it('keeps author and branch, shortens one plain model text to a string, drops what is unset', () => {
    const event = ctx().newEvent({ author: 'writer', branch: 'flow.writer', content: text('draft') });
    expect(eventView(event)).toEqual({ author: 'writer', branch: 'flow.writer', content: 'draft' });
  });

  it('keeps other contents whole: user role, several parts, thoughts, function calls', () => {
    const c = ctx();
    const user = text('hi', 'user');
    const thought = { role: 'model' as const, parts: [{ text: 'hmm', thought: true }] };
    const call = { role: 'model' as const, parts: [{ functionCall: { name: 'f', args: {} } }] };
    expect(eventView(c.newEvent({ content: user })).content).toEqual(user);
    expect(eventView(c.newEvent({ content: thought })).content).toEqual(thought);
    expect(eventView(c.newEvent({ content: call })).content).toEqual(call);
  });

  it('shows the state delta when not empty, and the flags that are set', () => {
    const event = ctx().newEvent({
      partial: true,
      errorCode: 'X',
      errorMessage: 'bad',
      actions: { stateDelta: { k: 1 }, escalate: true, transferToAgent: 'b', endInvocation: true },
    });
    expect(eventView(event)).toEqual({
      author: 'test',
      branch: '',
      stateDelta: { k: 1 },
      escalate: true,
      transferToAgent: 'b',
      endInvocation: true,
      partial: true,
      errorCode: 'X',
      errorMessage: 'bad',
    });
  });

  it('adds ids, timestamps and other on-request fields only when the expected event gives them', () => {
    const event = ctx().newEvent({ turnComplete: true, actions: { skipSummarization: true } });
    expect(eventView(event)).toEqual({ author: 'test', branch: '' });
    expect(
      eventView(event, {
        branch: '',
        author: 'test',
        id: 'x',
        timestamp: 1,
        turnComplete: true,
        skipSummarization: true,
      }),
    ).toEqual({
      author: 'test',
      branch: '',
      id: 'e2',
      timestamp: 0,
      turnComplete: true,
      skipSummarization: true,
    });
  });
});

describe('expectedView', () => {
  it('takes the author from the last segment of the branch and normalises content and flags', () => {
    expect(
      expectedView({ branch: 'root.par.a', content: text('x'), escalate: false, stateDelta: {} }),
    ).toEqual({
      author: 'a',
      branch: 'root.par.a',
      content: 'x',
    });
  });
});
