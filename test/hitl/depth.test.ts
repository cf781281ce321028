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
import { LlmAgent } from '@rxagents/llm';
import { eventView, expectAgent, marbleModel, scriptedAgent } from '@rxagents/testing';
import { GoalSeekingAgent } from '@rxagents/workloads';
import { concat, concatMap, defer, map, type Observable, of, throwError, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { recordingTool } from '../../packages/llm/test/support.js';

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
    const { tool: send, calls: sent } = recordingTool({
      name: 'send',
      description: 'Sends the mail',
      arg: 'to',
      requireConfirmation: true,
      answer: (to) => ({ sent: to }),
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
    expect(sent).toEqual([]);
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
    expect(sent).toEqual(['ann']);
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
    paused.resume({ go: 1 }).toEmit('(ugn|)', {
      u: answered({ 'go#1': 1 }),
      g: said('flaky', 'went 1'),
      n: said('next', 'next'),
    } as never);
    expect(attempts).toBe(6);
  });

  it('an agent reached by transfer', () => {
    const { tool: refund, calls: refunds } = recordingTool({
      name: 'refund',
      description: 'Refunds an order',
      arg: 'order',
      requireConfirmation: true,
      answer: (order) => ({ refunded: order }),
    });
    const billingModel = marbleModel(['-(c|)', '-----(d|)'], {
      c: {
        content: {
          role: 'model',
          parts: [{ functionCall: { name: 'refund', args: { order: 'o7' }, id: 'r1' } }],
        },
      },
      d: 'refunded o7',
    });
    const billing = new LlmAgent({
      name: 'billing',
      description: 'refunds',
      model: billingModel,
      tools: [refund],
    });
    const frontModel = marbleModel(['-(t|)'], {
      t: {
        content: {
          role: 'model',
          parts: [{ functionCall: { name: 'transfer_to_agent', args: { agent_name: 'billing' }, id: 't1' } }],
        },
      },
    });
    const front = new LlmAgent({ name: 'front', model: frontModel, subAgents: [billing] });
    const paused = expectAgent(front, { userContent: 'refund o7' }).toPause([
      { author: 'billing', branch: 'front.billing', kind: 'confirmation', callId: 'r1' },
    ]);
    paused.resume({ confirm_r1: true }).toEmit('(ut)-(d|)', {
      u: answered({ 'confirm_r1#1': true }),
      t: {
        branch: 'front.billing',
        content: {
          role: 'user',
          parts: [{ functionResponse: { id: 'r1', name: 'refund', response: { refunded: 'o7' } } }],
        },
      },
      d: said('front.billing', 'refunded o7'),
    } as never);
    expect([refunds, frontModel.calls.length, billingModel.calls.length]).toEqual([['o7'], 1, 2]);
  });

  it("a LoopAgent's third iteration: the iterations before it are not run again and the count goes on", () => {
    const count = agent('count', (ctx) =>
      of(ctx.newEvent({ actions: { stateDelta: { n: Number(ctx.state.get('n') ?? 0) + 1 } } })),
    );
    const ask = asker('ask', { when: (ctx) => ctx.state.get('n') === 3 });
    const refine = new LoopAgent({ name: 'refine', subAgents: [count, ask], maxIterations: 4 });
    const paused = expectAgent(refine).toPause([{ branch: 'refine.ask', id: 'inv-e1/refine.ask/ok#1' }]);
    expect(paused.recording.session.state.snapshot()).toEqual({ n: 3 });
    const before = paused.recording.session.events.map((e) => eventView(e, { branch: e.branch, id: e.id }));
    const resumed = paused.resume({ ok: 'go' });
    // the dry pass replays three iterations (6 frames), the live pass the same, then goes on
    expect(resumed.recording.notifications.map((n) => n.frame)).toEqual([6, 12, 12, 14, 14, 14]);
    resumed.toHaveCommitted([
      ...before,
      { branch: '', author: 'user', answers: { 'ok#1': 'go' } },
      said('refine.ask', 'ask: go', { ask: 'go' }),
      { branch: 'refine.count', stateDelta: { n: 4 } },
      said('refine.ask', 'ask worked'),
      said('refine.ask', 'ask skipped'),
    ] as never);
    resumed.toHaveFinalState({ n: 4, ask: 'go' });
  });

  it('asks anew in each loop iteration under the same id, never answering with a stale answer', () => {
    const ask = asker('ask');
    const refine = new LoopAgent({ name: 'refine', subAgents: [ask], maxIterations: 3 });
    let run = expectAgent(refine).toPause([{ id: 'inv-e1/refine.ask/ok#1' }]);
    run = run.resume({ ok: 'first' }).toPause([{ id: 'inv-e1/refine.ask/ok#2' }]);
    run = run.resume({ ok: 'second' }).toPause([{ id: 'inv-e1/refine.ask/ok#3' }]);
    run = run.resume({ 'ok#3': 'third' });
    run.toHaveFinalState({ ask: 'third' });
    const said = run.recording.session.events.map((e) => e.content?.parts[0]).filter((p) => p !== undefined);
    expect(said.filter((p) => 'text' in p && p.text.startsWith('ask:'))).toEqual([
      { text: 'ask: first' },
      { text: 'ask: second' },
      { text: 'ask: third' },
    ]);
  });

  it('one of three ParallelAgent branches pauses while the others keep working to their end', () => {
    const fanout = new ParallelAgent({
      name: 'fanout',
      subAgents: [
        scriptedAgent('a', '-a----(b|)', {
          a: { content: 'a1', stateDelta: { a: 1 } },
          b: { content: 'a2', stateDelta: { a: 2 } },
        }),
        asker('ask'),
        scriptedAgent('c', '----------(c|)', { c: { content: 'c1', stateDelta: { c: 1 } } }),
      ],
    });
    const paused = expectAgent(fanout)
      .toEmit('-a(wr)b---(c|)', {
        a: said('fanout.a', 'a1', { a: 1 }),
        w: said('fanout.ask', 'ask worked'),
        r: asked('fanout.ask', 'ok#1', { prompt: 'ask?' }),
        b: said('fanout.a', 'a2', { a: 2 }),
        c: said('fanout.c', 'c1', { c: 1 }),
      } as never)
      .toPause([{ branch: 'fanout.ask' }]);
    // the others' work stays; none of it runs again or is lost on resume
    const resumed = paused.resume({ ok: 'yes' });
    // the live pass replays the others' timers (their events are not stored again), then ends
    resumed.toEmit('----------u-a-------|', {
      u: answered({ 'ok#1': 'yes' }),
      a: said('fanout.ask', 'ask: yes', { ask: 'yes' }),
    } as never);
    resumed.toHaveFinalState({ a: 2, c: 1, ask: 'yes' });
    expect(resumed.recording.session.events.filter((e) => e.author === 'c')).toHaveLength(1);
  });

  it('two parallel branches pause; answered one at a time, each goes on and the other stays pending', () => {
    const fanout = new ParallelAgent({ name: 'fanout', subAgents: [asker('x'), asker('y')] });
    const paused = expectAgent(fanout).toPause([{ branch: 'fanout.x' }, { branch: 'fanout.y' }]);
    const afterX = paused.resume({ 'inv-e1/fanout.x/ok#1': 1 });
    afterX.toPause([{ branch: 'fanout.y' }]).toHaveFinalState({ x: 1 });
    afterX.resume({ ok: 2 }).toHaveFinalState({ x: 1, y: 2 });
  });

  it('nested: a sequence in a loop in a parallel branch', () => {
    const count = agent('count', (ctx) =>
      of(ctx.newEvent({ actions: { stateDelta: { n: Number(ctx.state.get('n') ?? 0) + 1 } } })),
    );
    const step = new SequentialAgent({
      name: 'step',
      subAgents: [count, asker('ask', { when: (ctx) => ctx.state.get('n') === 2 })],
    });
    const inner = new LoopAgent({ name: 'inner', subAgents: [step], maxIterations: 3 });
    const other = scriptedAgent('other', '---(o|)', { o: { content: 'o', stateDelta: { o: true } } });
    const root = new ParallelAgent({ name: 'root', subAgents: [inner, other] });
    const paused = expectAgent(root).toPause([
      { branch: 'root.inner.step.ask', id: 'inv-e1/root.inner.step.ask/ok#1' },
    ]);
    paused.toHaveFinalState({ n: 2, o: true });
    const resumed = paused.resume({ ok: 'fine' });
    resumed.toHaveFinalState({ n: 3, o: true, ask: 'fine' });
    expect(resumed.recording.session.events.filter((e) => e.author === 'other')).toHaveLength(1);
    expect(resumed.recording.session.events.filter((e) => e.author === 'count')).toHaveLength(3);
  });

  it('a GoalSeekingAgent phase: the attempt and the phases before it are what they were', () => {
    const build = scriptedAgent('build', '-(b|)', { b: { content: 'built', stateDelta: { built: true } } });
    const judge = agent('judge', (ctx) =>
      of(ctx.newEvent({ actions: { stateDelta: { 'goal:met': ctx.state.get('review') === 'ok' } } })),
    );
    const seeker = new GoalSeekingAgent({
      name: 'seeker',
      deploymentId: 'd1',
      goal: 'ship it',
      phases: [
        { name: 'build', agent: build },
        { name: 'review', agent: asker('review') },
      ],
      evaluator: judge,
      maxAttempts: 2,
    });
    const paused = expectAgent(seeker).toPause([{ author: 'review', branch: 'seeker.review' }]);
    expect(paused.recording.session.state.get('deployment:phase')).toBe('review');
    const resumed = paused.resume({ ok: 'ok' });
    resumed.toHaveFinalState({
      ...paused.recording.session.state.snapshot(),
      review: 'ok',
      'goal:met': true,
      'goal:verdict': null,
      'goal:reason': null,
      'deployment:phase': 'evaluation',
      'deployment:status': 'completed',
      'deployment:evaluation': { attempt: 1, met: true, reason: '' },
    });
    expect(resumed.recording.session.events.filter((e) => e.author === 'build')).toHaveLength(1);
  });
});
