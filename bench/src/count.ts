/**
 * Instruction-count driver for A/B of one core change (wall time on this shared machine is ±2–3×):
 * `valgrind --tool=callgrind node --predictable --predictable-gc-schedule --random-seed=1 --hash-seed=1 --import tsx/esm src/count.ts w2 <runs>`, once
 * with a small and once with a large `runs`; the difference divided by the extra runs is the
 * deterministic cost of one run (start-up and JIT warm-up cancel out). `f1`…`f5` run the floor
 * (`bare.ts`); `w3 <runs> <branches>` (and `f3`) set the width; for `w5`/`f5` one run is one more
 * session in the one store. `count.sh` does both runs and prints the figure.
 */
import { bareW1, bareW2, bareW3, bareW4, bareW5Sessions } from './bare.js';
import {
  llmToolLoop,
  w1Pipe,
  w1Workflow,
  w2Workflow,
  w3Workflow,
  w4Llm,
  w4Pipe,
  w4Workflow,
  w5Sessions,
} from './rx.js';

const which = process.argv[2] ?? 'w2';
const runs = Number(process.argv[3] ?? '100');
const width = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
const systems: Record<string, () => { run: () => Promise<unknown> }> = {
  w1: w1Workflow,
  w1p: w1Pipe,
  w2: w2Workflow,
  w3: () => w3Workflow(width),
  w4: w4Workflow,
  w4p: w4Pipe,
  // W4 through LlmAgent on the instant model, and one LlmAgent looping over ten tool calls.
  w4llm: w4Llm,
  tools10: llmToolLoop,
  w5: w5Sessions,
  f1: () => bareW1('mutable'),
  f2: () => bareW2('mutable'),
  f3: () => bareW3('mutable', width),
  f4: () => bareW4('mutable'),
  // W5: one session per run, all kept (as `w5`).
  f5: bareW5Sessions,
};
const make = systems[which];
if (make === undefined) throw new Error(`unknown workload ${which}`);
const s = make();
for (let i = 0; i < runs; i++) await s.run();
