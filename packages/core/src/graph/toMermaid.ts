import { END, type GraphEdge } from './graphTypes.js';

const START_ID = '__start__';
const END_ID = '__end__';

/**
 * Renders a graph as a Mermaid flowchart: direct edges solid, routes dotted (to each declared
 * target, or to a `?` when the router's targets were not declared), joins as hexagons.
 */
export function toMermaid(
  start: string,
  nodes: readonly string[],
  edges: readonly GraphEdge<string>[],
  joins: ReadonlySet<string>,
): string {
  const id = (key: string) => (key === END ? END_ID : key);
  const lines = ['flowchart TD', `  ${START_ID}([start])`];
  for (const node of nodes) lines.push(joins.has(node) ? `  ${node}{{${node}}}` : `  ${node}[${node}]`);
  let ends = false;
  const target = (key: string) => {
    if (key === END) ends = true;
    return id(key);
  };
  const links = [`  ${START_ID} --> ${start}`];
  edges.forEach((edge, index) => {
    if ('route' in edge) {
      const targets = edge.targets ?? [];
      if (targets.length === 0) links.push(`  ${edge.from} -. route .-> route_${index}((?))`);
      for (const to of targets) links.push(`  ${edge.from} -. route .-> ${target(to)}`);
    } else if (typeof edge.from === 'string') {
      const to = edge.to as string | readonly string[];
      for (const t of typeof to === 'string' ? [to] : to) links.push(`  ${edge.from} --> ${target(t)}`);
    } else {
      for (const from of edge.from) links.push(`  ${from} --> ${target(edge.to as string)}`);
    }
  });
  if (ends) lines.push(`  ${END_ID}([end])`);
  return [...lines, ...links].join('\n');
}
