import { GraphAgent } from './GraphAgent.js';
import type { GraphConfig, GraphNode } from './graphTypes.js';

/**
 * Builds an agent from nodes and edges, for flows that read better as a graph than as a pipe:
 * cycles back to an earlier step, fan-outs that join, routes chosen from the state. It compiles
 * to the workflow agents' semantics (a path is a sequence, a fan-out a parallel run with conflict
 * reports, a cycle a loop bounded by `maxSteps`), so it nests anywhere an agent does.
 *
 * Node names in `start` and `edges` are checked against `nodes` by the compiler. Each node runs
 * on the branch `<graph>.<node>`; a node's second and later runs in one run of the graph stamp
 * `iteration` on their events.
 *
 * @example
 * ```ts
 * import { END, agent, graph, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 *
 * const draft = agent('draft', (ctx) => of(ctx.newEvent({ content: text('a draft') })));
 * const review = graph('review', {
 *   nodes: {
 *     draft,
 *     count: (s) => ({ rounds: Number(s.rounds ?? 0) + 1 }),
 *   },
 *   start: 'draft',
 *   edges: [
 *     { from: 'draft', to: 'count' },
 *     { from: 'count', route: (s) => (Number(s.rounds) < 3 ? 'draft' : END) },
 *   ],
 * });
 * ```
 * @param name the graph's agent name
 * @param config `nodes`, `start`, `edges`, `maxSteps` (default 1,000), `state`, `onConflict`
 */
export function graph<N extends Readonly<Record<string, GraphNode>>>(
  name: string,
  config: GraphConfig<N>,
): GraphAgent {
  return new GraphAgent(name, config);
}
