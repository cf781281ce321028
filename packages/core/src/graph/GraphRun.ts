import { defer, type Observable, tap } from 'rxjs';
import { concatLazy } from '../concatLazy.js';
import type { Event } from '../Event.js';
import { GraphStepsExceededError } from '../errors.js';
import type { InvocationContext } from '../InvocationContext.js';
import { ConflictTracker } from '../internal/ConflictTracker.js';
import { mergeBranches } from '../internal/mergeBranches.js';
import type { GraphAgent } from './GraphAgent.js';

/**
 * One run of a graph: the step count and each node's run count, created at subscription so that
 * retries, loops and concurrent runs of one graph start clean.
 *
 * A run is a path of node runs, one after another (a `sequence` built as it goes). A node's
 * routes give the next node, or none (the path ends), or several: a fan-out, run as a `parallel`
 * whose arms are paths of their own, each on its own branch under one conflict tracker. An arm
 * that reaches a join stops there; when every arm of the fan-out has completed, the joins they
 * reached run once, on the path that fanned out. Arrivals are recorded per fan-out run, so a join
 * never counts an arm of an earlier pass of a cycle.
 */
export class GraphRun {
  private steps = 0;
  private lastNode: string;
  private readonly runs = new Map<string, number>();

  constructor(private readonly graph: GraphAgent) {
    this.lastNode = graph.start;
  }

  /**
   * The path that starts with `first` (one node, or a fan-out). Nodes run on `<caller>.<node>`;
   * in an arm (`arrivals` given), the nodes after the first run below the first one's branch.
   * `ready`: `first` are joins whose pass has settled, to run rather than arrive at.
   */
  path(
    first: readonly string[],
    caller: string,
    ctx: InvocationContext,
    arrivals: Set<string> | undefined,
    ready: boolean,
  ): Observable<Event> {
    const graph = this.graph;
    let pending = first;
    let settled = ready;
    let ran: string | undefined;
    let ranCaller = caller;
    let fanBranch = `${caller}.${first[0]}`;
    let nodeCaller = caller;
    let inArmRoot = arrivals !== undefined;
    return concatLazy((): Observable<Event> | undefined => {
      if (ran !== undefined) {
        const { targets, as } = graph.routesOf(ran, ctx, this.runs.get(ran)!);
        fanBranch = as === undefined ? `${ranCaller}.${ran}` : `${ranCaller}.${as}`;
        pending = targets;
        settled = false;
        ran = undefined;
      }
      if (pending.length === 0) return undefined;
      const targets = pending;
      pending = [];
      if (targets.length > 1) {
        return this.fanOut(targets, fanBranch, ctx, settled, (joins) => {
          pending = joins;
          settled = true;
        });
      }
      const key = targets[0]!;
      if (arrivals !== undefined && !settled && graph.joins.has(key)) {
        arrivals.add(key);
        return undefined;
      }
      ran = key;
      ranCaller = nodeCaller;
      const events = this.runNode(key, nodeCaller, ctx);
      if (inArmRoot) {
        nodeCaller = `${nodeCaller}.${key}`;
        inArmRoot = false;
      }
      return events;
    });
  }

  private runNode(key: string, caller: string, ctx: InvocationContext): Observable<Event> {
    const graph = this.graph;
    if (++this.steps > graph.maxSteps)
      throw new GraphStepsExceededError(graph.name, this.lastNode, graph.maxSteps);
    this.lastNode = key;
    const iteration = (this.runs.get(key) ?? 0) + 1;
    this.runs.set(key, iteration);
    const node = graph.nodeOf(key);
    // A node whose agent has another name gets a segment of its own, so every node has a branch.
    const branch = node.agent.name === key ? caller : `${caller}.${key}`;
    const nodeCtx = ctx.deriveNode(graph, branch, iteration > 1 ? iteration : undefined, node.check);
    return node.agent.runAsync(nodeCtx);
  }

  private fanOut(
    targets: readonly string[],
    fanBranch: string,
    ctx: InvocationContext,
    ready: boolean,
    settle: (joins: readonly string[]) => void,
  ): Observable<Event> {
    return defer(() => {
      const graph = this.graph;
      const tracked = ctx.derive(
        graph,
        fanBranch,
        new ConflictTracker(graph.name, fanBranch, graph.onConflict),
      );
      const arrivals = new Set<string>();
      const arm = (target: string) => this.path([target], fanBranch, tracked, arrivals, ready);
      return mergeBranches(targets, arm, ctx).pipe(
        tap({ complete: () => settle(graph.inJoinOrder(arrivals)) }),
      );
    });
  }
}
