// Property: for random agent trees with random pause points (seeded), pausing and resuming with
// the answers gives the same final session as an uninterrupted run given the same answers up
// front (events other than the requests and answers, compared per branch, and the state), and
// no model or tool call is made more often than in that run.
import {
  agent,
  type BaseAgent,
  type Event,
  InMemorySessionService,
  loop,
  parallel,
  pendingRequests,
  Runner,
  type RunRequest,
  requestInput,
  sequence,
  text,
  textOf,
} from '@rxagents/core';
import { functionTool, LlmAgent, scriptedModel } from '@rxagents/llm';
import fc from 'fast-check';
import { concat, map, of, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

type Tree =
  | { kind: 'work'; delay: number }
  | { kind: 'ask'; delay: number }
  | { kind: 'llm'; gated: boolean }
  | { kind: 'seq' | 'par'; children: Tree[] }
  | { kind: 'loop'; times: number; children: Tree[] };

const { tree: treeArb } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('work' as const), delay: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ kind: fc.constant('ask' as const), delay: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ kind: fc.constant('llm' as const), gated: fc.boolean() }),
    fc.record({
      kind: fc.constantFrom('seq' as const, 'par' as const),
      children: fc.array(tie('tree'), { maxLength: 3 }),
    }),
    fc.record({
      kind: fc.constant('loop' as const),
      times: fc.integer({ min: 1, max: 3 }),
      children: fc.array(tie('tree'), { maxLength: 3 }),
    }),
  ),
}));

interface Counts {
  model: Map<string, number>;
  tool: Map<string, number>;
}

// Builds the tree; with `pausing` false the same agents get their answers without asking.
function build(tree: Tree, name: string, pausing: boolean, counts: Counts): BaseAgent {
  switch (tree.kind) {
    case 'work':
      return agent(name, (ctx) =>
        timer(tree.delay, ctx.scheduler).pipe(
          map(() =>
            ctx.newEvent({ content: text(`${name} worked`), actions: { stateDelta: { [ctx.branch]: 'w' } } }),
          ),
        ),
      );
    case 'ask': {
      const answer = `answer of ${name}`;
      return agent(name, (ctx) =>
        concat(
          timer(tree.delay, ctx.scheduler).pipe(map(() => ctx.newEvent({ content: text(`${name} asks`) }))),
          (pausing ? requestInput<string>(ctx, { id: 'q', schema: z.string() }) : of(answer)).pipe(
            map((a) =>
              ctx.newEvent({
                content: text(`${name} got ${a}`),
                actions: { stateDelta: { [ctx.branch]: a } },
              }),
            ),
          ),
        ),
      );
    }
    case 'llm': {
      const tool = functionTool({
        name: 'act',
        description: 'acts',
        parameters: z.object({}),
        requireConfirmation: pausing && tree.gated,
        execute: () => {
          counts.tool.set(name, (counts.tool.get(name) ?? 0) + 1);
          return { acted: true };
        },
      });
      const model = scriptedModel([
        {
          respond: (request) => {
            counts.model.set(name, (counts.model.get(name) ?? 0) + 1);
            const answered = request.contents.some((c) => c.parts.some((p) => 'functionResponse' in p));
            return answered || !tree.gated ? `${name} says` : { functionCalls: [{ name: 'act', args: {} }] };
          },
        },
      ]);
      return new LlmAgent({ name, model, tools: [tool], includeContents: 'none', outputKey: `out_${name}` });
    }
    case 'seq':
      return sequence(
        name,
        tree.children.map((c, i) => build(c, `${name}_${i}`, pausing, counts)),
      );
    case 'par':
      return parallel(
        name,
        tree.children.map((c, i) => build(c, `${name}_${i}`, pausing, counts)),
      );
    case 'loop':
      return loop(
        name,
        tree.children.map((c, i) => build(c, `${name}_${i}`, pausing, counts)),
        {
          maxIterations: tree.times,
        },
      );
  }
}

let resumes = 0;

interface Outcome {
  byBranch: Record<string, string[]>;
  state: Readonly<Record<string, unknown>>;
  counts: Counts;
}

// Runs the tree to its end: the first run, then resumes answering `batch(pending)` each time.
function runToEnd(tree: Tree, pausing: boolean, oneAtATime: readonly boolean[]): Outcome {
  const counts: Counts = { model: new Map(), tool: new Map() };
  const root = build(tree, 'root', pausing, counts);
  const sessions = new InMemorySessionService();
  const key = { userId: 'u1', sessionId: 's1' };
  const once = (request: Omit<RunRequest, 'userId' | 'sessionId'>) => {
    const scheduler = new TestScheduler(() => {});
    let failure: unknown;
    scheduler.run(() => {
      const runner = new Runner({ appName: 'p', agent: root, sessionService: sessions, scheduler });
      runner.run({ ...key, ...request }).subscribe({ error: (error: unknown) => (failure = error) });
    });
    if (failure !== undefined) throw failure;
  };
  const session = () => sessions.getOrCreateSessionSync({ appName: 'p', ...key });
  once({ newMessage: 'go' });
  for (let round = 0; pendingRequests(session()).length > 0; round++) {
    if (round > 200) throw new Error('too many resumes');
    const pending = pendingRequests(session());
    const chosen =
      oneAtATime[round % Math.max(1, oneAtATime.length)] === true ? pending.slice(0, 1) : pending;
    resumes++;
    once({
      resume: Object.fromEntries(
        chosen.map((p) => [p.id, p.kind === 'confirmation' ? true : `answer of ${p.author}`]),
      ),
    });
  }
  const byBranch: Record<string, string[]> = {};
  for (const event of session().events) {
    if (event.actions.requestInput !== undefined || event.actions.inputAnswers !== undefined) continue;
    (byBranch[event.branch] ??= []).push(view(event));
  }
  return { byBranch, state: session().state.snapshot(), counts };
}

function view(event: Event): string {
  return `${event.author}|${textOf(event.content)}|${JSON.stringify(event.actions.stateDelta)}`;
}

describe('resume (property)', () => {
  it('pausing and resuming ends like an uninterrupted run given the answers, with no extra model or tool call', () => {
    fc.assert(
      fc.property(treeArb, fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }), (tree, oneAtATime) => {
        const straight = runToEnd(tree, false, []);
        const paused = runToEnd(tree, true, oneAtATime);
        expect(paused.state).toEqual(straight.state);
        expect(paused.byBranch).toEqual(straight.byBranch);
        for (const [name, calls] of paused.counts.model)
          expect(calls).toBeLessThanOrEqual(straight.counts.model.get(name) ?? 0);
        expect(paused.counts.tool).toEqual(straight.counts.tool);
      }),
      { seed: 16, numRuns: 100 },
    );
    // the generated trees do pause, many times over
    expect(resumes).toBeGreaterThan(50);
  });
});
