/**
 * W6: a graph of ~1,000 nodes — a start node, a fan-out of `arms` arms, each a chain of `depth`
 * nodes whose every step is routed by the state, and a join — against the same flow hand-written
 * with operators (`parallel` of `a.pipe(when(…, b.pipe(when(…, c))))` chains) and, where it runs,
 * ADK 2.0.0's graph `Workflow` (see adk.ts).
 */
import {
  agent,
  type BaseAgent,
  END,
  type GraphEdge,
  graph,
  parallel,
  type State,
  sequence,
  when,
} from '@rxagents/core';
import { of } from 'rxjs';
import { type RxSystem, runnerFor } from './rx.js';

/** The W6 shape, shared by every system: node names and the routing rule. */
export const W6 = { arms: 100, depth: 10 } as const;

export const armNode = (arm: number, step: number) => `a${arm}_${step}`;
/** Every step routes on the state: onward while `mode` is 'long' (the start node sets it). */
export const onward = (state: State) => state.mode === 'long';

function step(name: string, delta: Record<string, string | number>): BaseAgent {
  return agent(name, (ctx) => of(ctx.newEvent({ actions: { stateDelta: delta } })));
}

function nodesOf(arms: number, depth: number): Record<string, BaseAgent> {
  const nodes: Record<string, BaseAgent> = {
    start: step('start', { mode: 'long' }),
    join: step('join', { done: 1 }),
  };
  for (let a = 0; a < arms; a++) {
    for (let s = 0; s < depth; s++) nodes[armNode(a, s)] = step(armNode(a, s), { [armNode(a, s)]: s });
  }
  return nodes;
}

/** W6 as a graph: the fan-out, `depth - 1` routed edges per arm, a join. */
export function w6Graph(arms: number = W6.arms, depth: number = W6.depth): RxSystem {
  const nodes = nodesOf(arms, depth);
  const heads = Array.from({ length: arms }, (_, a) => armNode(a, 0));
  const edges: GraphEdge<string>[] = [{ from: 'start', to: heads }];
  for (let a = 0; a < arms; a++) {
    for (let s = 0; s + 1 < depth; s++) {
      const next = armNode(a, s + 1);
      edges.push({
        from: armNode(a, s),
        route: (state) => (onward(state) ? next : END),
        targets: [next, END],
      });
    }
  }
  edges.push({ from: Array.from({ length: arms }, (_, a) => armNode(a, depth - 1)), to: 'join' });
  return runnerFor(graph('w6', { nodes, start: 'start', edges, maxSteps: arms * depth + 2 }));
}

/** W6 hand-written with operators: the same steps, each arm a chain of `when`s. */
export function w6Operators(arms: number = W6.arms, depth: number = W6.depth): RxSystem {
  const nodes = nodesOf(arms, depth);
  const arm = (a: number) => {
    let chain = nodes[armNode(a, depth - 1)]!;
    for (let s = depth - 2; s >= 0; s--) chain = nodes[armNode(a, s)]!.pipe(when(onward, chain));
    return chain;
  };
  const fan = parallel(
    'fan',
    Array.from({ length: arms }, (_, a) => arm(a)),
  );
  return runnerFor(sequence('w6', [nodes.start!, fan, nodes.join!]));
}
