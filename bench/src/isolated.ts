/**
 * One system on one workload in a process of its own: `tsx src/isolated.ts w4 rxagents`.
 * main.ts measures every system in one process, where each one's code is compiled among the
 * others' (RxJS internals see every system's subscribers); this gives the figure without that.
 * `isolated.sh` alternates processes of the systems (rxagents, the contract floor, the floor) and
 * prints the median per system. `w3x` is W3 at 100,000 branches (`bench:scale`'s fan-out, here
 * with one system per process).
 */
import { bareW1, bareW2, bareW3, bareW4 } from './bare.js';
import { contractW1, contractW2, contractW3, contractW4 } from './contract.js';
import { w1Pipe, w1Workflow, w2Workflow, w3Workflow, w4Pipe, w4Workflow } from './rx.js';
import { compare, FULL, type System } from './stats.js';

const [workload = 'w4', system = 'rxagents'] = process.argv.slice(2);
const WIDE = 100_000;
const rx: Record<string, () => System> = {
  w1: w1Workflow,
  w2: w2Workflow,
  w3: w3Workflow,
  w3x: () => w3Workflow(WIDE),
  w4: w4Workflow,
  w1p: w1Pipe,
  w4p: w4Pipe,
};
const bare: Record<string, () => System> = {
  w1: () => bareW1('mutable'),
  w2: () => bareW2('mutable'),
  w3: () => bareW3('mutable'),
  w3x: () => bareW3('mutable', WIDE),
  w4: () => bareW4('mutable'),
};
const contract: Record<string, () => System> = {
  w1: contractW1,
  w2: contractW2,
  w3: contractW3,
  w3x: () => contractW3(WIDE),
  w4: contractW4,
};
const key = system === 'rxagents-pipe' ? `${workload}p` : workload;
const subject = (system === 'bare' ? bare : system === 'contract' ? contract : rx)[key]?.();
if (subject === undefined) throw new Error(`unknown ${workload} ${system}`);
// The same method as main.ts's full run, with one system.
const sample = (await compare({ [system]: subject }, FULL))[system]!;
console.log(JSON.stringify({ workload, system, median: sample.median, q1: sample.q1, q3: sample.q3 }));
