// Resuming a paused invocation in a long session: the cost should follow the invocation, not the
// session. Builds sessions of 1k, 10k and 100k earlier events, pauses a small invocation at the
// end of each (a few steps, then a request), and times the resume (median of runs, each on a
// freshly paused copy). Run: node --expose-gc --conditions=@rxagents/source --import tsx/esm src/resume.ts
import {
  agent,
  type Event,
  InMemorySessionService,
  pendingRequests,
  Runner,
  requestInput,
  sequence,
  text,
} from '@rxagents/core';
import { lastValueFrom, map, of } from 'rxjs';

const STEPS = 20;

function flow() {
  const steps = Array.from({ length: STEPS }, (_, i) =>
    agent(`step${i}`, (ctx) =>
      of(ctx.newEvent({ content: text(`step ${i}`), actions: { stateDelta: { [`s${i}`]: i } } })),
    ),
  );
  const ask = agent('ask', (ctx) =>
    requestInput(ctx, { id: 'ok' }).pipe(map((a) => ctx.newEvent({ actions: { stateDelta: { ok: a } } }))),
  );
  return sequence('flow', [
    ...steps,
    ask,
    agent('after', (ctx) => of(ctx.newEvent({ content: text('after') }))),
  ]);
}

async function pausedSession(history: number, timing?: number[]) {
  const sessions = new InMemorySessionService();
  const key = { appName: 'bench', userId: 'u1', sessionId: 's1' };
  const session = sessions.getOrCreateSessionSync(key);
  for (let i = 0; i < history; i++) {
    const event: Event = Object.freeze({
      id: `old-${i}`,
      invocationId: `old-${Math.floor(i / 10)}`,
      author: i % 10 === 0 ? 'user' : 'step0',
      branch: i % 10 === 0 ? '' : 'flow.step0',
      timestamp: i,
      content: text(`old ${i}`),
      actions: Object.freeze({ stateDelta: Object.freeze({ [`k${i % 100}`]: i }) }),
    });
    sessions.appendEventSync(session, event);
  }
  const runner = new Runner({ appName: 'bench', agent: flow(), sessionService: sessions });
  globalThis.gc?.();
  const start = performance.now();
  await lastValueFrom(runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go', invocationId: 'inv' }), {
    defaultValue: undefined,
  });
  timing?.push(performance.now() - start);
  const [request] = pendingRequests(session);
  return { runner, id: request!.id };
}

const median = (times: number[]) => [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;

// The median resume time, and the median time of the first (pausing) run for comparison.
async function timeResume(history: number, runs: number): Promise<[number, number]> {
  const times: number[] = [];
  const firsts: number[] = [];
  for (let r = 0; r < runs; r++) {
    const { runner, id } = await pausedSession(history, firsts);
    globalThis.gc?.();
    const start = performance.now();
    await lastValueFrom(runner.run({ userId: 'u1', sessionId: 's1', resume: { [id]: true } }));
    times.push(performance.now() - start);
  }
  return [median(times), median(firsts)];
}

await timeResume(1_000, 5); // warm-up
for (const history of process.env.ONLY === undefined
  ? [1_000, 10_000, 100_000]
  : [Number(process.env.ONLY)]) {
  const [resume, first] = await timeResume(history, 9);
  console.log(
    `session of ${String(history).padStart(7)} events: resume ${resume.toFixed(2)} ms; the first run of the same invocation ${first.toFixed(2)} ms`,
  );
}
