/**
 * `bench:long`: invocations again and again on one session, as a conversation is: does an
 * invocation cost more as its session grows? Two workloads: W4 (StoryFlow, eight events per
 * invocation) and a chat (one `LlmAgent` on a fake instant model, two events per invocation).
 * For each, on one in-memory session: rxagents `LONG_N` invocations (default 4,000), ADK a tenth
 * of them (its cost grows with the session), and rxagents that tenth again on five sessions of
 * their own (the median per quarter), for the ratio at the same lengths. Printed per quarter of
 * the invocations: µs per invocation and the session's length after it, then the last quarter
 * over the first (a flat profile is near 1). Results: stdout and `results/long-session.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Runner as AdkRunner, InMemorySessionService as AdkSessions } from '@google/adk';
import { InMemorySessionService, Runner } from '@rxagents/core';
import { adkChatRoot, adkW4Root } from './adk.js';
import { Counting, chatRoot, w4Root } from './rx.js';

const n = Number(process.env.LONG_N ?? 4000);
if (!Number.isInteger(n) || n < 40)
  throw new Error(`LONG_N must be an integer ≥ 40, not ${process.env.LONG_N}`);
const QUARTERS = 4;

interface Quarter {
  readonly invocations: number;
  readonly usPerInvocation: number;
  readonly sessionEvents: number;
}

/** Times `count` invocations in quarters; `invoke` runs one and resolves to the session's length. */
async function quarters(count: number, invoke: () => Promise<number>): Promise<Quarter[]> {
  const out: Quarter[] = [];
  const per = count / QUARTERS;
  for (let q = 1; q <= QUARTERS; q++) {
    const t0 = performance.now();
    let events = 0;
    for (let i = 0; i < per; i++) events = await invoke();
    out.push({
      invocations: q * per,
      usPerInvocation: ((performance.now() - t0) / per) * 1000,
      sessionEvents: events,
    });
  }
  return out;
}

/**
 * An invocation on one session, resolving to the session's length (counted from the events each
 * run yields and its user event, not read from the session: ADK's `getSession` returns a deep
 * copy, whose cost would be the harness's), and the session itself, read after the timing.
 */
interface OneSession {
  readonly invoke: () => Promise<number>;
  readonly session: () => Promise<{ readonly events: number; readonly state: unknown }>;
}

/** The workloads: each agent tree built for rxagents and for ADK. */
const CHAT = { instruction: 'You are a helpful assistant.', reply: 'Noted, and thank you.' };
const WORKLOADS = {
  w4: { name: 'W4 StoryFlow', rx: w4Root, adk: adkW4Root },
  chat: {
    name: 'chat (one LlmAgent, instant model)',
    rx: () => chatRoot(CHAT.instruction, CHAT.reply),
    adk: () => adkChatRoot(CHAT.instruction, CHAT.reply),
  },
};
type Workload = (typeof WORKLOADS)[keyof typeof WORKLOADS];

/** rxagents on session `id` of its own service. */
function rxagentsOn(workload: Workload, id: string): OneSession {
  const sessions = new InMemorySessionService();
  const runner = new Runner({ appName: 'bench', agent: workload.rx(), sessionService: sessions });
  const key = { appName: 'bench', userId: 'u', sessionId: id };
  const request = { userId: 'u', sessionId: id, newMessage: 'go' };
  let length = 0;
  const invoke = () =>
    new Promise<number>((resolve, reject) =>
      runner.run(request).subscribe(new Counting((n) => resolve((length += n + 1)), reject)),
    );
  const session = async () => {
    const stored = sessions.getOrCreateSessionSync(key);
    return { events: stored.events.length, state: stored.state.snapshot() };
  };
  return { invoke, session };
}

/** The same with ADK's Runner and in-memory service. */
async function adkOn(workload: Workload, id: string): Promise<OneSession> {
  const sessions = new AdkSessions();
  const runner = new AdkRunner({ appName: 'bench', agent: workload.adk(), sessionService: sessions });
  const key = { appName: 'bench', userId: 'u', sessionId: id };
  await sessions.createSession(key);
  let length = 0;
  const invoke = async () => {
    length++; // the user's event
    for await (const _e of runner.runAsync({
      userId: 'u',
      sessionId: id,
      newMessage: { role: 'user', parts: [{ text: 'go' }] },
    }))
      length++;
    return length;
  };
  const session = async () => {
    const stored = await sessions.getSession(key);
    return { events: stored?.events.length ?? 0, state: stored?.state ?? {} };
  };
  return { invoke, session };
}

const line = (name: string, qs: readonly Quarter[]) =>
  `${name}: ${qs.map((q) => `${q.invocations} inv (${q.sessionEvents} events) ${q.usPerInvocation.toFixed(1)} µs`).join(' | ')}  last/first quarter ${(qs[QUARTERS - 1]!.usPerInvocation / qs[0]!.usPerInvocation).toFixed(2)}`;

// ADK's invocations grow with the session: it runs a tenth of them, and rxagents that many too,
// on sessions of their own, for the ratio at the same lengths.
const adkN = Math.max(QUARTERS * 10, Math.round(n / 10 / QUARTERS) * QUARTERS);

async function measure(workload: Workload) {
  // Warm-up on sessions of their own (dropped), so that the measured session starts empty and
  // the first quarter is not the compiler's: rxagents two sessions of 4,000 invocations (on one,
  // the per-invocation time was still falling after 2,500), ADK one of 20.
  const warm = async ({ invoke }: OneSession, count: number) => {
    for (let i = 0; i < count; i++) await invoke();
  };
  await warm(rxagentsOn(workload, 'warm1'), 4000);
  await warm(rxagentsOn(workload, 'warm2'), 4000);
  await warm(await adkOn(workload, 'warm'), 20);
  console.log(`${workload.name}, one session:`);
  const rx = await quarters(n, rxagentsOn(workload, 'long').invoke);
  console.log(line('  rxagents', rx));
  // A quarter of these lasts about a millisecond, which one collection can double: the median
  // of five sessions per quarter.
  const shorts: Quarter[][] = [];
  let short = rxagentsOn(workload, 'short0');
  for (let k = 0; k < 5; k++) {
    short = rxagentsOn(workload, `short${k}`);
    shorts.push(await quarters(adkN, short.invoke));
  }
  const rxShort = shorts[0]!.map((q, i) => {
    const times = shorts.map((one) => one[i]!.usPerInvocation).sort((a, b) => a - b);
    return { ...q, usPerInvocation: times[2]! };
  });
  console.log(line('  rxagents (median of 5)', rxShort));
  const adkSession = await adkOn(workload, 'long');
  const adk = await quarters(adkN, adkSession.invoke);
  console.log(line('  @google/adk', adk));
  // The same work, or the ratio compares different things: as many events (counted, and stored),
  // the same state.
  const rxEnd = JSON.stringify(await short.session());
  const adkEnd = JSON.stringify(await adkSession.session());
  const counted = rxShort[QUARTERS - 1]!.sessionEvents;
  if (
    counted !== adk[QUARTERS - 1]!.sessionEvents ||
    rxEnd !== adkEnd ||
    !rxEnd.startsWith(`{"events":${counted},`)
  )
    throw new Error(
      `${workload.name}: rxagents and ADK differ after ${adkN} invocations: ${rxEnd} against ${adkEnd}`,
    );
  console.log(
    `  vs ADK at the same invocations: ${adk.map((q, i) => `${q.invocations} inv ${(q.usPerInvocation / rxShort[i]!.usPerInvocation).toFixed(0)}×`).join(' | ')}`,
  );
  return { workload: workload.name, rxagents: rx, rxagentsShort: rxShort, adk };
}

const results = [];
for (const workload of Object.values(WORKLOADS)) results.push(await measure(workload));

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
mkdirSync(dir, { recursive: true });
const out = join(dir, 'long-session.json');
writeFileSync(
  out,
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, n, results }, null, 2)}\n`,
);
console.log(`wrote ${out}`);
