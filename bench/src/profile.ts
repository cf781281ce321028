/**
 * Profiling driver: runs one rxagents workload in a loop, or the contract floor's (`c1`…`c4`):
 * `tsx src/profile.ts w1|w2|w3|w4|w4llm|tools10|w5|c1|c2|c3|c4 [loops]`.
 */
import { contractW1, contractW2, contractW3, contractW4 } from './contract.js';
import { llmToolLoop, w1Workflow, w2Workflow, w3Workflow, w4Llm, w4Workflow, w5Sessions } from './rx.js';

const which = process.argv[2] ?? 'w1';
const systems = {
  w1: w1Workflow,
  w2: w2Workflow,
  w3: w3Workflow,
  w4: w4Workflow,
  w4llm: w4Llm,
  tools10: llmToolLoop,
  // One new session per run, all kept in the one store (W5 many sessions).
  w5: () => ({ ...w5Sessions(), reset: () => {} }),
  c1: contractW1,
  c2: contractW2,
  c3: contractW3,
  c4: contractW4,
};
const system = systems[which as keyof typeof systems] ?? w1Workflow;
const s = system();
const heavy = which === 'w4' || which === 'c4' || which === 'w4llm' || which === 'tools10' || which === 'w5';
const loops = Number(process.argv[3] ?? (heavy ? 40_000 : 2_000));
for (let i = 0; i < loops; i++) {
  await s.run();
  // The sessions of earlier runs would pile up in the one session service otherwise.
  if (i % 1000 === 999 && which !== 'w5') s.reset();
}
