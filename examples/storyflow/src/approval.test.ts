import {
  InMemorySessionService,
  InvalidAnswerError,
  pendingRequests,
  Runner,
  type RunRequest,
} from '@rxagents/core';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { approvalFlow } from './approval.js';
import { storyFlowModel, TOPICS } from './scenarios.js';

function setup() {
  const model = storyFlowModel();
  const sessions = new InMemorySessionService();
  const runner = new Runner({ appName: 'storyflow', agent: approvalFlow(model), sessionService: sessions });
  const key = { userId: 'u1', sessionId: 's1' };
  const session = () => sessions.getOrCreateSessionSync({ appName: 'storyflow', ...key });
  const run = (request: Omit<RunRequest, 'userId' | 'sessionId'>) =>
    lastValueFrom(runner.run({ ...key, ...request }).pipe(toArray()));
  const callsOf = (agent: string) => model.requests.filter((r) => r.agentName === agent).length;
  return { run, session, callsOf };
}

describe('StoryFlow with a person approving the story', () => {
  it('pauses before the tone check with the story, then goes on with the approval', async () => {
    const s = setup();
    const first = await s.run({ stateDelta: { topic: TOPICS[0] } });
    const request = first.at(-1)!;
    expect(request.author).toBe('approval');
    const [pending] = pendingRequests(s.session());
    expect(pending?.payload).toMatchObject({ story: s.session().state.get('current_story') });
    expect(pending?.schema).toMatchObject({ type: 'object', required: ['approved'] });
    expect(s.callsOf('tone_check')).toBe(0);

    const resumed = await s.run({ resume: { [pending!.id]: { approved: true } } });
    expect(resumed.map((e) => e.author)).toEqual(['user', 'approval', 'tone_check', 'story_generator']);
    expect(s.session().state.get('tone_check_result')).toBe('negative');
    // nothing before the approval asked its model twice
    expect([
      s.callsOf('story_generator'),
      s.callsOf('critic'),
      s.callsOf('reviser'),
      s.callsOf('grammar_check'),
    ]).toEqual([2, 2, 2, 1]);
  });

  it('writes the story again when the person rejects it, without a tone check', async () => {
    const s = setup();
    await s.run({ stateDelta: { topic: TOPICS[0] } });
    const [pending] = pendingRequests(s.session());
    const resumed = await s.run({ resume: { [pending!.id]: { approved: false, note: 'too sad' } } });
    expect(resumed.map((e) => e.author)).toEqual(['user', 'approval', 'story_generator']);
    expect(s.session().state.get('editor_note')).toBe('too sad');
    expect(s.callsOf('tone_check')).toBe(0);
  });

  it('refuses an answer that is not an approval and keeps waiting', async () => {
    const s = setup();
    await s.run({ stateDelta: { topic: TOPICS[0] } });
    const [pending] = pendingRequests(s.session());
    await expect(s.run({ resume: { [pending!.id]: { approved: 'sure' } } })).rejects.toBeInstanceOf(
      InvalidAnswerError,
    );
    expect(pendingRequests(s.session())).toHaveLength(1);
  });
});
