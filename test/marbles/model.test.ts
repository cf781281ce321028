import { agent, type Event, sequence, timeout } from '@rxagents/core';
import type { Model } from '@rxagents/llm';
import { expectAgent, marbleModel } from '@rxagents/testing';
import { defer, map, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';

/**
 * A minimal model-calling agent (the real one is `LlmAgent` in @rxagents/llm): calls the model
 * with the invocation's scheduler and turns each response into an event.
 */
function modelAgent(name: string, model: Model, stream = true) {
  return agent(
    name,
    (ctx): Observable<Event> =>
      defer(() => {
        const controller = new AbortController();
        return model
          .generate(
            { agentName: name, contents: ctx.userContent === undefined ? [] : [ctx.userContent] },
            { stream, signal: controller.signal, scheduler: ctx.scheduler },
          )
          .pipe(
            map((response) =>
              ctx.newEvent({
                ...(response.content === undefined ? {} : { content: response.content }),
                ...(response.partial === true ? { partial: true } : {}),
              }),
            ),
          );
      }),
  );
}

describe('model calls in virtual time (marbles)', () => {
  it('streams partial chunks after the latency, then commits the complete answer only', () => {
    const model = marbleModel('---a-b|', { a: 'Once upon ', b: 'a time' });
    expectAgent(modelAgent('writer', model), { userContent: 'a story' })
      .toEmit('---a-b(c|)', {
        a: { branch: 'writer', content: 'Once upon ', partial: true },
        b: { branch: 'writer', content: 'a time', partial: true },
        c: { branch: 'writer', content: 'Once upon a time' },
      })
      .toHaveCommitted([
        { author: 'user', branch: '', content: { role: 'user', parts: [{ text: 'a story' }] } },
        { branch: 'writer', content: 'Once upon a time' },
      ]);
    expect(model.calls).toMatchObject([{ at: 0, stream: true, request: { agentName: 'writer' } }]);
  });

  it('a slow model call is cut off by timeout at the right frame, and torn down', () => {
    const slow = modelAgent('writer', marbleModel('200ms (a|)', { a: 'late' }), false).pipe(timeout(50));
    expectAgent(sequence('flow', [slow]))
      .toEmit(
        '50ms #',
        {},
        { code: 'AGENT_TIMEOUT', message: "Agent 'writer': timeout: no event within 50 ms" },
      )
      .toHaveNoPendingTimers();
  });

  it('unsubscribing cancels an in-flight model call', () => {
    const model = marbleModel('100ms (a|)', { a: 'never seen' });
    expectAgent(modelAgent('writer', model)).unsubscribeAt('10ms !').toEmit('').toHaveNoPendingTimers();
    expect(model.calls).toHaveLength(1);
  });
});
