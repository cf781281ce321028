import { defer, EMPTY, of } from 'rxjs';
import { type AgentOperator, BaseAgent } from '../BaseAgent.js';
import { agent } from '../FunctionAgent.js';
import { stateView } from '../internal/stateView.js';
import { fallback } from '../operators/fallback.js';
import { retry } from '../operators/retry.js';
import { timeout } from '../operators/timeout.js';
import type { GraphNode, NodeFn, NodeOptions } from './graphTypes.js';

/**
 * The agent that runs a graph node: the node's agent, or a function agent named after the node
 * that commits the function's delta in one event, piped through the node's `timeout`, `retry`
 * and `fallback` operators (in that order: each attempt has its own deadline).
 */
export function compileNode(key: string, node: GraphNode): BaseAgent {
  const { run, ...options }: NodeOptions = isNodeOptions(node) ? node : { run: node };
  const base = run instanceof BaseAgent ? run : functionNode(key, run);
  const operators: AgentOperator[] = [];
  if (options.timeout !== undefined) operators.push(timeout(options.timeout));
  if (options.retry !== undefined) operators.push(retry(options.retry));
  if (options.fallback !== undefined) operators.push(fallback(options.fallback));
  return base.pipe(...operators);
}

function isNodeOptions(node: GraphNode): node is NodeOptions {
  return typeof node === 'object' && !(node instanceof BaseAgent);
}

function functionNode(key: string, fn: NodeFn): BaseAgent {
  return agent(key, (ctx) =>
    defer(() => {
      const stateDelta = fn(stateView(ctx.state), ctx);
      return stateDelta === undefined ? EMPTY : of(ctx.newEvent({ actions: { stateDelta } }));
    }),
  );
}
