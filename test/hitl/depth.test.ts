import {
  agent,
  andThen,
  BaseAgent,
  type Event,
  type InvocationContext,
  LoopAgent,
  ParallelAgent,
  pendingRequests,
  requestInput,
  retry,
  SequentialAgent,
  text,
} from '@rxagents/core';
import { functionTool, LlmAgent } from '@rxagents/llm';
import { expectAgent, marbleModel, scriptedAgent } from '@rxagents/testing';
import { concat, concatMap, defer, map, type Observable, of, throwError, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

// Works for 2 ms, asks 'ok', then says what it was told.
function asker(name: string, options: { id?: string; when?: (ctx: InvocationContext) => boolean } = {}) {
  return agent(name, (ctx) =>
    concat(
      timer(2, ctx.scheduler).pipe(map(() => ctx.newEvent({ content: text(`${name} worked`) }))),
      defer(() =>
        options.when !== undefined && !options.when(ctx)
          ? of(ctx.newEvent({ content: text(`${name} skipped`) }))
          : requestInput(ctx, { id: options.id ?? 'ok', payload: { prompt: `${name}?` } }).pipe(
              map((answer) =>
                ctx.newEvent({
                  content: text(`${name}: ${String(answer)}`),
                  actions: { stateDelta: { [name]: answer } },
                }),
              ),
            ),
      ),
    ),
  );
}

const said = (branch: string, content: string, stateDelta?: Record<string, unknown>) =>
  stateDelta === undefined ? { branch, content } : { branch, content, stateDelta };
const asked = (branch: string, id: string, payload: unknown = null, kind = 'input') => ({
  branch,
  request: { id, kind, payload },
});
const answered = (answers: Record<string, unknown>) => ({ author: 'user', branch: '', answers });

describe('human in the loop: pause and resume at any depth (marbles)', () => {
  // A resumed stream starts with the answers' event once the dry pass has replayed the
  // invocation: instant for recorded model turns, while a custom agent's own timers run again.
  it('a custom runAsyncImpl at the root', () => {
    class Reviewer extends BaseAgent {
      constructor() {
        super({ name: 'reviewer' });
      }
      protected runAsyncImpl(ctx: InvocationContext): Observable<Event> {
        return concat(
          timer(1, ctx.scheduler).pipe(
            map(() => ctx.newEvent({ content: text('draft'), actions: { stateDelta: { draft: 1 } } })),
          ),
          requestInput(ctx, { id: 'review', schema: z.object({ ok: z.boolean() }) }).pipe(
            concatMap(({ ok }) =>
              timer(3, ctx.scheduler).pipe(
                map(() => ctx.newEvent({ content: text(ok ? 'shipped' : 'dropped') })),
              ),
            ),
          ),
        );
      }
    }
    const paused = expectAgent(new Reviewer())
      .toEmit('-(dr|)', {
        d: said('reviewer', 'draft', { draft: 1 }),
        r: asked('reviewer', 'review#1'),
      } as never)
      .toPause([{ author: 'reviewer', branch: 'reviewer', kind: 'input', id: 'inv-e1/reviewer/review#1' }]);
    paused
      .resume({ review: { ok: true } })
      .toEmit('-u---(s|)', {
        u: answered({ 'review#1': { ok: true } }),
        s: said('reviewer', 'shipped'),
      } as never)
      .toHaveFinalState({ draft: 1 });
    expect(pendingRequests(paused.recording.session)).toEqual([]);
  });

  it('a function agent in a sequence: the steps after it wait, the steps before it do not run again', () => {
    let firstRuns = 0;
    const first = agent('first', (ctx) =>
      defer(() => {
        firstRuns++;
        return of(ctx.newEvent({ content: text('one'), actions: { stateDelta: { one: true } } }));
      }),
    );
    const flow = new SequentialAgent({
      name: 'flow',
      subAgents: [first, asker('ask'), scriptedAgent('last', '-(l|)', { l: 'done' })],
    });
    const paused = expectAgent(flow).toEmit('1-(wr|)', {
      1: said('flow.first', 'one', { one: true }),
      w: said('flow.ask', 'ask worked'),
      r: asked('flow.ask', 'ok#1', { prompt: 'ask?' }),
    } as never);
    paused.toPause([{ author: 'ask', branch: 'flow.ask' }]);
    const resumed = paused.resume({ ok: 'yes' });
    resumed.toEmit('--u-a(l|)', {
      u: answered({ 'ok#1': 'yes' }),
      a: said('flow.ask', 'ask: yes', { ask: 'yes' }),
      l: said('flow.last', 'done'),
    } as never);
    // the dry pass and the resumed pass re-ran `first`'s code; its event was stored once
    expect(resumed.recording.session.events.filter((e) => e.author === 'first')).toHaveLength(1);
    expect(firstRuns).toBe(3);
  });

  it('an LlmAgent tool waiting for confirmation; the model is not called again for the recorded turn', () => {
    let sent = 0;
    const send = functionTool({
      name: 'send',
      description: 'Sends the mail',
      parameters: z.object({ to: z.string() }),
      requireConfirmation: true,
      execute: ({ to }) => {
        sent++;
        return { sent: to };
      },
    });
    const model = marbleModel(['--(c|)', '-----(d|)'], {
      c: {
        content: {
          role: 'model',
          parts: [{ functionCall: { name: 'send', args: { to: 'ann' }, id: 'c1' } }],
        },
      },
      d: 'mailed ann',
    });
    const mailer = new LlmAgent({ name: 'mailer', model, tools: [send] });
    const paused = expectAgent(mailer, { userContent: 'mail ann' })
      .toEmit('--(cr|)', {
        c: {
          branch: 'mailer',
          content: {
            role: 'model',
            parts: [{ functionCall: { name: 'send', args: { to: 'ann' }, id: 'c1' } }],
          },
        },
        r: {
          branch: 'mailer',
          request: {
            id: 'confirm_c1#1',
            kind: 'confirmation',
            payload: { tool: 'send', args: { to: 'ann' } },
            callId: 'c1',
          },
        },
      } as never)
      .toPause([{ kind: 'confirmation', callId: 'c1', payload: { tool: 'send', args: { to: 'ann' } } }]);
    expect(sent).toBe(0);
    paused.resume({ confirm_c1: true }).toEmit('(ut)-(d|)', {
      u: answered({ 'confirm_c1#1': true }),
      t: {
        branch: 'mailer',
        content: {
          role: 'user',
          parts: [{ functionResponse: { id: 'c1', name: 'send', response: { sent: 'ann' } } }],
        },
      },
      d: said('mailer', 'mailed ann'),
    } as never);
    expect(sent).toBe(1);
    expect(model.calls).toHaveLength(2);
  });

  it('an operator agent: retry keeps the attempt count of the paused run', () => {
    let attempts = 0;
    const flaky = agent('flaky', (ctx) =>
      defer(() => {
        attempts++;
        // The first attempt fails, as it did in the first run: the log says so (its event).
        return ctx.state.get('failed') !== true
          ? concat(
              of(ctx.newEvent({ actions: { stateDelta: { failed: true } } })),
              throwError(() => new Error('flaky')),
            )
          : requestInput(ctx, { id: 'go' }).pipe(
              map((a) => ctx.newEvent({ content: text(`went ${String(a)}`) })),
            );
      }),
    );
    const flow = flaky.pipe(retry(1), andThen(scriptedAgent('next', '(n|)', { n: 'next' })));
    const paused = expectAgent(flow).toPause([{ author: 'flaky', branch: 'flaky' }]);
    expect(attempts).toBe(2);
    paused
      .resume({ go: 1 })
      .toEmit('(ugn|)', {
        u: answered({ 'go#1': 1 }),
        g: said('flaky', 'went 1'),
        n: said('next', 'next'),
      } as never);
    expect(attempts).toBe(6);
  });
});
