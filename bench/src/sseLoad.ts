/**
 * SSE load: 200 concurrent clients on loopback, each streaming its own run of `@rxagents/server`,
 * three rounds in a row. Reports the heap after a forced GC before the first round, at the peak of
 * each round (all streams open) and after each round, the round's wall time, and checks that
 * every stream ended with its run (an `end` message, then the body closed) and no run is left
 * live. Each round's sessions are deleted after it. Run: `pnpm --filter bench run bench:sse` (needs `--expose-gc`, which the script sets).
 */
import { agent, InMemorySessionService, text } from '@rxagents/core';
import { createHandler } from '@rxagents/server';
import { serve } from '@rxagents/server/node';
import { interval, map, take } from 'rxjs';

const CLIENTS = Number(process.env.CLIENTS ?? 200);
const EVENTS = 20; // partial events per run, 10 ms apart, then one complete event
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const heap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

const streamer = agent('streamer', (ctx) =>
  interval(10, ctx.scheduler).pipe(
    take(EVENTS + 1),
    map((i) =>
      i < EVENTS
        ? ctx.newEvent({ partial: true, content: text(`chunk ${i} `) })
        : ctx.newEvent({ content: text('done'), actions: { stateDelta: { done: true } } }),
    ),
  ),
);
const sessions = new InMemorySessionService();
// Ended runs retained for replay are part of what stays on the heap: keep the default (100).
const handler = createHandler({ agents: { streamer }, sessionService: sessions });
const server = await serve(handler);

async function client(round: number, i: number, opened: () => void): Promise<boolean> {
  const base = `${server.url}/agents/streamer/users/u${i}/sessions`;
  await fetch(base, { method: 'POST', body: JSON.stringify({ sessionId: `r${round}` }) });
  const response = await fetch(`${base}/r${round}/runs`, { method: 'POST', body: '{"message":"go"}' });
  opened();
  const body = await response.text(); // resolves only when the server closes the stream
  return body.includes('event: end') && body.split('\n\n').length >= EVENTS + 3;
}

const before = heap();
console.log(`sse-load clients=${CLIENTS} events/run=${EVENTS + 1} heap-before=${mib(before)}MiB`);
for (let round = 0; round < ROUNDS; round++) {
  let open = 0;
  let peak = 0;
  const start = performance.now();
  const all = Array.from({ length: CLIENTS }, (_, i) =>
    client(round, i, () => {
      if (++open === CLIENTS) peak = process.memoryUsage().heapUsed;
    }),
  );
  const results = await Promise.all(all);
  const ms = performance.now() - start;
  // The sessions themselves are the service's to keep; deleted so the heap shows what serving costs.
  await Promise.all(
    Array.from({ length: CLIENTS }, (_, i) =>
      fetch(`${server.url}/agents/streamer/users/u${i}/sessions/r${round}`, { method: 'DELETE' }),
    ),
  );
  const closed = results.filter(Boolean).length;
  const after = heap();
  console.log(
    `round ${round + 1}: ${ms.toFixed(0)} ms, streams ended with their run ${closed}/${CLIENTS}, live runs ${handler.liveRuns()}, ` +
      `heap peak ${mib(peak)}MiB (no GC), after GC ${mib(after)}MiB (+${mib(after - before)}MiB over before)`,
  );
  if (closed !== CLIENTS || handler.liveRuns() !== 0) process.exitCode = 1;
}
await server.close();
