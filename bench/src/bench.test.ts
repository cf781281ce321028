// The harness and the fairness of the comparison: every system of a workload ends in the same
// state, and `compare` samples as its documentation says. (The timings themselves are never
// asserted: they live in results/.)
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { adkW1, adkW2, adkW3, adkW4, adkW4Llm } from './adk.js';
import { adkW6 } from './adkGraph.js';
import { bareW1, bareW2, bareW3, bareW4, bareW5Sessions } from './bare.js';
import { contractW1, contractW2, contractW3, contractW4, contractW5Sessions } from './contract.js';
import { w6Graph, w6Operators } from './graph.js';
import { w1Pipe, w1Workflow, w2Workflow, w3Workflow, w4Llm, w4Pipe, w4Workflow, w5Sessions } from './rx.js';
import { compare } from './stats.js';

const withoutUser = (state: Readonly<Record<string, unknown>>) =>
  Object.fromEntries(Object.entries(state).filter(([k]) => k !== 'topic'));

describe('workloads: rxagents, the floor and ADK end in the same state', () => {
  const systems = {
    'W1 workflow': [
      w1Workflow(10, 3),
      adkW1(10, 3),
      bareW1('mutable', 10, 3),
      bareW1('immer', 10, 3),
      contractW1(10, 3),
    ],
    'W1 pipe': [w1Pipe(10, 3), adkW1(10, 3)],
    W2: [w2Workflow(20), adkW2(20), bareW2('mutable', 20), bareW2('immer', 20), contractW2(20)],
    W3: [w3Workflow(25), adkW3(25), bareW3('mutable', 25), bareW3('immer', 25), contractW3(25)],
    W4: [w4Workflow(), adkW4(), bareW4('mutable'), bareW4('immer'), contractW4()],
    'W4 pipe': [w4Pipe(), adkW4()],
    'W4 through LlmAgent': [w4Llm(), adkW4Llm()],
  } as const;
  for (const [name, [rx, ...others]] of Object.entries(systems)) {
    it(name, async () => {
      const events = await rx.run();
      const rxState = withoutUser(await rx.lastState());
      expect(Object.keys(rxState).length).toBeGreaterThan(0);
      for (const other of others) {
        // Twice: a floor system reuses its observable, so a second run must start clean too.
        await other.run();
        expect(await other.run()).toBe(events);
        expect(withoutUser(await other.lastState())).toEqual(rxState);
      }
    });
  }

  it('W6: the graph, the operators and ADK Workflow run every routed step and the join', async () => {
    const states = [];
    const counts = [];
    for (const system of [w6Graph(5, 4), w6Operators(5, 4), adkW6(5, 4)]) {
      counts.push(await system.run());
      states.push(withoutUser(await system.lastState()));
    }
    // start + 5 × 4 steps + join in both rxagents forms (ADK adds its JoinNode's output event).
    expect(counts.slice(0, 2)).toEqual([22, 22]);
    expect(Object.keys(states[0]!)).toHaveLength(1 + 20 + 1);
    expect(states[1]).toEqual(states[0]);
    expect(states[2]).toEqual(states[0]);
  });

  it('W5 sessions: the floor and the contract floor store as many sessions as rxagents, each with the same events and state', async () => {
    const [rx, bare, contract] = [w5Sessions(), bareW5Sessions(), contractW5Sessions()];
    for (let i = 0; i < 5; i++) {
      const events = await rx.run();
      expect(await bare.run()).toBe(events);
      expect(await contract.run()).toBe(events);
    }
    const [rxSessions, bareSessions] = [await rx.sessions(), await bare.sessions()];
    expect(rxSessions).toHaveLength(5);
    // The user's message and the agent's event, and the agent's one-key delta, in every session.
    expect(rxSessions[0]).toEqual({ events: 2, state: { one_0: 0 } });
    expect(bareSessions).toEqual(rxSessions);
    expect(await contract.sessions()).toEqual(rxSessions);
  });

  it('the contract floor keeps the promises it stands for: stamped, frozen events with unique ids, a log and state like the session', async () => {
    const cases = [
      [w1Workflow(10, 3), contractW1(10, 3)],
      [w2Workflow(20), contractW2(20)],
      [w3Workflow(25), contractW3(25)],
      [w4Workflow(), contractW4()],
    ] as const;
    for (const [rx, contract] of cases) {
      await rx.run();
      await contract.run();
      const log = contract.lastLog();
      const events = await rx.lastEvents();
      // The user's event and every agent's, in the order rxagents' session holds them.
      expect(log.map((e) => [e.author, e.branch, e.actions.stateDelta])).toEqual(
        events.map((e) => [e.author, e.branch, e.actions.stateDelta]),
      );
      expect(new Set(log.map((e) => e.id)).size).toBe(log.length);
      for (const e of log) {
        expect(
          Object.isFrozen(e) && Object.isFrozen(e.actions) && Object.isFrozen(e.actions.stateDelta),
        ).toBe(true);
        expect(e.invocationId).toBe(log[0]!.invocationId);
        expect(typeof e.timestamp).toBe('number');
      }
      expect(Object.isFrozen(await contract.lastState())).toBe(true);
    }
  });

  it('the contract floor without some of its promises (CONTRACT_WITHOUT) still ends every workload in the same state', () => {
    // The switches are read once, when the module loads: each variant runs in a process of its own.
    const contract = fileURLToPath(new URL('./contract.ts', import.meta.url));
    const script = `const m = await import(${JSON.stringify(contract)});
      const out = [];
      for (const make of [() => m.contractW1(10, 3), () => m.contractW2(20), () => m.contractW3(25), () => m.contractW4()]) {
        const s = make();
        const events = await s.run();
        const log = s.lastLog();
        out.push({ events, state: await s.lastState(), ids: new Set(log.map((e) => e.id)).size, frozen: Object.isFrozen(log[1]) });
      }
      console.log(JSON.stringify(out));`;
    const run = (without: string) =>
      JSON.parse(
        execFileSync(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', script], {
          cwd: fileURLToPath(new URL('..', import.meta.url)),
          env: { ...process.env, CONTRACT_WITHOUT: without },
          encoding: 'utf8',
        }),
      ) as { events: number; state: unknown; ids: number; frozen: boolean }[];
    const all = run('');
    const none = run('ids,time,freeze,check,runs');
    expect(none.map(({ events, state }) => ({ events, state }))).toEqual(
      all.map(({ events, state }) => ({ events, state })),
    );
    // The dropped promises are dropped: one shared id per invocation, nothing frozen.
    expect(all.every((w) => w.ids > 1 && w.frozen)).toBe(true);
    expect(none.every((w) => w.ids === 1 && !w.frozen)).toBe(true);
  }, 60_000);

  it('W4 regenerates on a negative tone in every system (the story ends happier)', async () => {
    for (const system of [w4Workflow(), w4Llm(), adkW4(), adkW4Llm()]) {
      await system.run();
      expect(String((await system.lastState()).current_story)).toMatch(/happier/);
    }
  });
});

describe('compare', () => {
  it('rotates systems over rounds, resets before every timed stretch, and fills samples with runs', async () => {
    const order: string[] = [];
    let resets = 0;
    let runs = 0;
    // A virtual clock that each run advances by its system's time: the checks below do not depend
    // on how busy the machine is (a busy-wait on the real clock once made a 0.2 ms run take 1 ms).
    let clock = 0;
    const system = (name: string, ms: number) => ({
      run: async () => {
        runs++;
        if (order[order.length - 1] !== name) order.push(name);
        clock += ms;
      },
      reset: () => {
        resets++;
      },
    });
    const result = await compare(
      { fast: system('fast', 0.2), slow: system('slow', 4) },
      { rounds: 2, samples: 3, warmupMillis: 2, warmupRuns: 1, sampleMillis: 3, now: () => clock },
    );
    // Blocks: round 0 fast then slow, round 1 slow then fast.
    expect(order).toEqual(['fast', 'slow', 'fast']);
    expect(result.fast?.runs).toBe(6);
    expect(result.slow?.runs).toBe(6);
    // A sample of the fast system is several runs in a row; of the slow one, one run.
    expect(result.fast?.runsPerSample).toBeGreaterThan(3);
    expect(result.slow?.runsPerSample).toBe(1);
    expect(result.fast?.median).toBeGreaterThan(0.15);
    expect(result.slow?.median).toBeGreaterThan(3.5);
    // Every timed stretch (each warm-up step and each sample) began with a reset.
    const samples = 2 * 2 * 3;
    expect(resets).toBeGreaterThan(samples);
    expect(runs).toBeGreaterThan(resets);
  });
});
