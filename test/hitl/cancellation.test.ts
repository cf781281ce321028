import {
  agent,
  InMemorySessionService,
  pendingRequests,
  RequestAlreadyAnsweredError,
  Runner,
  requestInput,
  sequence,
  text,
} from '@rxagents/core';
import { expectAgent } from '@rxagents/testing';
import { concat, concatMap, lastValueFrom, map, of, take, timer, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';

// Asks, then takes 3 ms to act on the answer.
const reviewer = () =>
  agent('reviewer', (ctx) =>
    concat(
      of(ctx.newEvent({ content: text('draft'), actions: { stateDelta: { draft: 1 } } })),
      requestInput<string>(ctx, { id: 'review' }).pipe(
        concatMap((answer) =>
          timer(3, ctx.scheduler).pipe(map(() => ctx.newEvent({ content: text(`shipped ${answer}`) }))),
        ),
      ),
    ),
  );

describe('human in the loop: cancellation', () => {
  it('unsubscribing a resume mid-way tears everything down and commits nothing after', () => {
    const resumed = expectAgent(reviewer())
      .toPause()
      .resume({ review: 'ok' })
      .unsubscribeAt('--!')
      .toEmit('u', { u: { author: 'user', branch: '', answers: { 'review#1': 'ok' } } })
      .toHaveNoPendingTimers();
    expect(resumed.recording.session.events.map((e) => e.author)).toEqual(['reviewer', 'reviewer', 'user']);
  });

  it('a resume interrupted after its answers were stored goes on with resume: true, doing nothing twice', async () => {
    const sessions = new InMemorySessionService();
    const runner = new Runner({
      appName: 'app',
      agent: sequence('flow', [reviewer()]),
      sessionService: sessions,
    });
    const key = { userId: 'u1', sessionId: 's1' };
    const session = () => sessions.getOrCreateSessionSync({ appName: 'app', ...key });
    await lastValueFrom(runner.run({ ...key, newMessage: 'go', invocationId: 'job-1' }), {
      defaultValue: undefined,
    });
    const [pending] = pendingRequests(session());
    // the process "dies" right after the answers' event
    await lastValueFrom(runner.run({ ...key, resume: { [pending!.id]: 'ok' } }).pipe(take(1)));
    expect(session().events.map((e) => e.author)).toEqual(['user', 'reviewer', 'reviewer', 'user']);
    await expect(
      lastValueFrom(runner.run({ ...key, resume: { [pending!.id]: 'again' } })),
    ).rejects.toBeInstanceOf(RequestAlreadyAnsweredError);
    const rest = await lastValueFrom(
      runner.run({ ...key, invocationId: 'job-1', resume: true }).pipe(toArray()),
    );
    expect(rest.map((e) => e.content?.parts[0])).toEqual([{ text: 'shipped ok' }]);
    expect(session().events.map((e) => e.author)).toEqual([
      'user',
      'reviewer',
      'reviewer',
      'user',
      'reviewer',
    ]);
    expect(session().state.snapshot()).toEqual({ draft: 1 });
  });
});
