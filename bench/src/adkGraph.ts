/**
 * W6 on ADK 2.0.0's graph `Workflow` (experimental there; it runs on Node 20): function nodes
 * that write their delta through `ctx.state` and emit a route value, an edge per route, a fan-out
 * from the start node and a `JoinNode` (which writes no state, so a `done` node follows it).
 */
import { createEvent, FunctionNode, JoinNode, type NodeContext, Workflow } from '@google/adk';
import { type AdkSystem, runnerFor } from './adk.js';
import { armNode, W6 } from './graph.js';

function step(name: string, delta: Record<string, unknown>, routed: boolean): FunctionNode {
  return new FunctionNode(name, (ctx: NodeContext) => {
    for (const [key, value] of Object.entries(delta)) ctx.state.set(key, value);
    if (!routed) return name;
    // The same rule as rxagents' `onward`: on while the start node's mode is 'long'.
    return createEvent({ route: ctx.state.get('mode') === 'long' ? 'next' : 'stop', output: name });
  });
}

export function adkW6(arms: number = W6.arms, depth: number = W6.depth): AdkSystem {
  const start = step('start', { mode: 'long' }, false);
  const join = new JoinNode({ name: 'join' });
  const done = step('done', { done: 1 }, false);
  const heads: FunctionNode[] = [];
  const lasts: FunctionNode[] = [];
  const chains: [FunctionNode, Record<string, FunctionNode>][] = [];
  for (let a = 0; a < arms; a++) {
    const chain = Array.from({ length: depth }, (_, s) =>
      step(armNode(a, s), { [armNode(a, s)]: s }, s + 1 < depth),
    );
    heads.push(chain[0]!);
    lasts.push(chain[depth - 1]!);
    for (let s = 0; s + 1 < depth; s++) chains.push([chain[s]!, { next: chain[s + 1]! }]);
  }
  const workflow = new Workflow({
    name: 'w6',
    edges: [['START', start], [start, heads], ...chains, [lasts, join], [join, done]],
  });
  return runnerFor(workflow);
}
