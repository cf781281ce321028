/** Profiling driver: runs one rxagents workload in a loop (`tsx src/profile.ts w1|w2|w3|w4`). */
import { w1Workflow, w2Workflow, w3Workflow, w4Workflow } from './rx.js';

const which = process.argv[2] ?? 'w1';
const system = { w1: w1Workflow, w2: w2Workflow, w3: w3Workflow, w4: w4Workflow }[which] ?? w1Workflow;
const s = system();
const loops = which === 'w4' ? 40_000 : 2_000;
for (let i = 0; i < loops; i++) await s.run();
