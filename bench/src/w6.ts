/** W6 alone (the full method): `node --expose-gc --import tsx/esm src/w6.ts` after building the core. */
import { adkW6 } from './adkGraph.js';
import { w6Graph, w6Operators } from './graph.js';
import { compare, FULL } from './stats.js';

const result = await compare({ rxagents: w6Graph(), 'rxagents-pipe': w6Operators(), adk: adkW6() }, FULL);
for (const [system, s] of Object.entries(result)) {
  console.log(`${system} median=${s.median.toFixed(2)} q1=${s.q1.toFixed(2)} q3=${s.q3.toFixed(2)} ms`);
}
