import { InvalidAgentConfigError } from '../errors.js';
import { END } from './graphTypes.js';

/** What {@link validateGraph} reads of an outgoing edge. */
export interface EdgeShape {
  /** Fixed targets (a direct or join edge), END excluded. */
  readonly to?: readonly string[];
  /** Declared targets of a router; undefined for a router that declared none. */
  readonly targets?: ReadonlySet<string>;
  readonly route?: unknown;
}

/**
 * Rejects, at construction, two graphs that cannot be meant (as ADK's `Workflow` does): a cycle
 * of direct edges, which would run until `maxSteps` whatever the state; and a node no edge can
 * reach from `start` (checked only when every router declared its `targets`).
 */
export function validateGraph(
  graph: string,
  start: string,
  nodes: readonly string[],
  outgoing: ReadonlyMap<string, readonly EdgeShape[]>,
): void {
  const direct = (key: string) => (outgoing.get(key) ?? []).flatMap((edge) => edge.to ?? []);
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (key: string): void => {
    if (done.has(key)) return;
    const at = onPath.indexOf(key);
    if (at !== -1) {
      const cycle = [...onPath.slice(at), key].join(' → ');
      throw new InvalidAgentConfigError(graph, 'edges', `a cycle of direct edges never ends: ${cycle}`);
    }
    onPath.push(key);
    for (const next of direct(key)) visit(next);
    onPath.pop();
    done.add(key);
  };
  for (const key of nodes) visit(key);

  const edges = [...outgoing.values()].flat();
  if (edges.some((edge) => edge.route !== undefined && edge.targets === undefined)) return;
  const reached = new Set([start]);
  const queue = [start];
  for (let key = queue.pop(); key !== undefined; key = queue.pop()) {
    for (const edge of outgoing.get(key) ?? []) {
      for (const next of edge.to ?? edge.targets ?? []) {
        if (!reached.has(next) && next !== END) {
          reached.add(next);
          queue.push(next);
        }
      }
    }
  }
  for (const key of nodes) {
    if (!reached.has(key))
      throw new InvalidAgentConfigError(graph, `nodes.${key}`, `no edge reaches it from '${start}'`);
  }
}
