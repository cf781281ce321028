import { type Event, Session, text } from '@rxagents/core';
import { describe, expect, it } from 'vitest';
import { contextFor } from '../../test/support.js';
import { LlmAgent } from '../LlmAgent.js';
import { scriptedModel } from '../scriptedModel.js';
import { buildContents, RunHistory } from './history.js';

describe('RunHistory', () => {
  const agent = new LlmAgent({ name: 'writer', model: scriptedModel([]) });

  // Events of several authors and branches, committed one at a time.
  function growingSession() {
    const session = new Session({ id: 's', appName: 'a', userId: 'u' });
    const ctx = contextFor(agent, { session, branch: 'root.writer' });
    const commit = (author: string, words: string, branch = 'root.writer') =>
      session.commit(
        ctx.newEvent({ author, branch, content: text(words, author === 'user' ? 'user' : 'model') }),
      );
    return { session, ctx, commit };
  }

  it('gives what buildContents gives after each commit', () => {
    const { session, ctx, commit } = growingSession();
    const history = new RunHistory();
    const canSee = (event: Event) => ctx.canSee(event);
    const steps: [string, string, string?][] = [
      ['user', 'go', ''],
      ['writer', 'draft'],
      ['critic', 'too short', 'root.critic'],
      ['writer', 'longer draft'],
      ['user', 'thanks', ''],
    ];
    for (const [author, words, branch] of steps) {
      commit(author, words, branch);
      const incremental = history.contentsOf(session.events, canSee, 'writer');
      expect(incremental).toEqual(buildContents(session.events, canSee, 'writer', 'default'));
    }
    expect(history.contentsOf(session.events, canSee, 'writer')).toHaveLength(5);
  });

  it('starts afresh on a log that is not the one it saw last', () => {
    const first = growingSession();
    const history = new RunHistory();
    const canSee = (event: Event) => first.ctx.canSee(event);
    first.commit('user', 'one', '');
    first.commit('writer', 'two');
    history.contentsOf(first.session.events, canSee, 'writer');
    const other = growingSession();
    other.commit('user', 'other', '');
    other.commit('writer', 'log');
    other.commit('writer', 'here');
    expect(history.contentsOf(other.session.events, canSee, 'writer')).toEqual(
      buildContents(other.session.events, canSee, 'writer', 'default'),
    );
  });

  it('never changes a conversation it handed out, so a kept request does not grow', () => {
    const { session, ctx, commit } = growingSession();
    const history = new RunHistory();
    const canSee = (event: Event) => ctx.canSee(event);
    commit('user', 'go', '');
    const kept = history.contentsOf(session.events, canSee, 'writer');
    commit('writer', 'more');
    history.contentsOf(session.events, canSee, 'writer');
    expect(kept).toHaveLength(1);
  });
});
