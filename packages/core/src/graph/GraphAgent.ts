import { defer, type Observable } from 'rxjs';
import { BaseAgent, isAgentName } from '../BaseAgent.js';
import type { Event } from '../Event.js';
import { InvalidAgentConfigError } from '../errors.js';
import type { InvocationContext } from '../InvocationContext.js';
import type { ConflictPolicy } from '../internal/ConflictTracker.js';
import { stateView } from '../internal/stateView.js';
import { compileNode } from './compileNode.js';
import { GraphRun } from './GraphRun.js';
import { END, type GraphEdge, type GraphSpec, type Router } from './graphTypes.js';
import { StateSchemaCheck } from './StateSchema.js';
import { toMermaid } from './toMermaid.js';
import { validateGraph } from './validateGraph.js';

/** @internal a compiled node: the agent that runs it and its state check, if the graph has a schema */
interface CompiledNode {
  readonly agent: BaseAgent;
  readonly check: StateSchemaCheck | undefined;
}

/** @internal an outgoing edge of a node, as its routes are computed */
interface OutEdge {
  readonly index: number;
  readonly to?: readonly string[];
  readonly route?: Router<string>;
  readonly targets?: ReadonlySet<string>;
  readonly as?: string;
}

/**
 * An agent built from nodes and edges, made by {@link graph}. It compiles to what the workflow
 * agents do — a path of node runs is a sequence, a fan-out is a parallel run under a conflict
 * tracker, a cycle is a bounded loop — so branches, conflicts, escalation, cancellation, durable
 * resume and marble tests work inside it unchanged. Node agents are referenced, not adopted.
 *
 * @example
 * ```ts
 * import { END, graph } from '@rxagents/core';
 * const counter = graph('counter', {
 *   nodes: { count: (s) => ({ n: Number(s.n ?? 0) + 1 }) },
 *   start: 'count',
 *   edges: [{ from: 'count', route: (s) => (Number(s.n) < 3 ? 'count' : END) }],
 * });
 * console.log(counter.toMermaid());
 * ```
 * @see graph
 */
export class GraphAgent extends BaseAgent {
  readonly start: string;
  readonly maxSteps: number;
  readonly onConflict: ConflictPolicy;
  /** The edges as given, for {@link GraphAgent.toMermaid}. */
  readonly edges: readonly GraphEdge<string>[];
  /** @internal nodes that are the target of a join edge */
  readonly joins: ReadonlySet<string>;
  private readonly nodes = new Map<string, CompiledNode>();
  private readonly outgoing = new Map<string, OutEdge[]>();

  constructor(name: string, config: GraphSpec) {
    super({ name, ...(config.description === undefined ? {} : { description: config.description }) });
    const { maxSteps = 1_000 } = config;
    if (!(Number.isInteger(maxSteps) && maxSteps >= 1)) {
      throw new InvalidAgentConfigError(name, 'maxSteps', `must be an integer >= 1, got ${maxSteps}`);
    }
    for (const [key, node] of Object.entries(config.nodes)) {
      if (!isAgentName(key) || key === 'user') {
        throw new InvalidAgentConfigError(
          name,
          `nodes.${key}`,
          'a node name must be an identifier, not user',
        );
      }
      const check = config.state === undefined ? undefined : new StateSchemaCheck(name, key, config.state);
      this.nodes.set(key, { agent: compileNode(key, node), check });
    }
    this.start = this.known(config.start, 'start');
    this.maxSteps = maxSteps;
    this.onConflict = config.onConflict ?? 'report';
    this.edges = config.edges ?? [];
    const joins = new Set<string>();
    this.edges.forEach((edge, index) => {
      this.addEdge(edge, index, joins);
    });
    this.joins = joins;
    validateGraph(name, this.start, [...this.nodes.keys()], this.outgoing);
  }

  /** A Mermaid `flowchart` of the graph, for docs and the dev UI. */
  toMermaid(): string {
    return toMermaid(this.start, [...this.nodes.keys()], this.edges, this.joins);
  }

  override findSubAgent(name: string): BaseAgent | undefined {
    for (const node of this.nodes.values()) {
      const found = node.agent.findAgent(name);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** @internal the compiled node of a key known to be a node */
  nodeOf(key: string): CompiledNode {
    return this.nodes.get(key)!;
  }

  /** @internal the joins of a set, in the order their join edges were declared */
  inJoinOrder(arrivals: ReadonlySet<string>): readonly string[] {
    return [...this.joins].filter((join) => arrivals.has(join));
  }

  /** @internal where `key` goes next, from the state it left: targets without duplicates or END */
  routesOf(
    key: string,
    ctx: InvocationContext,
    iteration: number,
  ): { targets: readonly string[]; as: string | undefined } {
    const targets: string[] = [];
    let as: string | undefined;
    for (const edge of this.outgoing.get(key) ?? []) {
      const next = edge.route === undefined ? edge.to! : edge.route(stateView(ctx.state), ctx, iteration);
      for (const target of typeof next === 'string' ? [next] : next) {
        if (target === END || targets.includes(target)) continue;
        if (!this.nodes.has(target) || (edge.targets !== undefined && !edge.targets.has(target))) {
          throw new InvalidAgentConfigError(
            this.name,
            `edges[${edge.index}].route`,
            `routed '${key}' to '${String(target)}', which is not ${this.nodes.has(target) ? 'among its targets' : 'a node'}`,
          );
        }
        targets.push(target);
      }
      as ??= edge.as;
    }
    return { targets, as };
  }

  protected runAsyncImpl(ctx: InvocationContext): Observable<Event> {
    return defer(() => new GraphRun(this).path([this.start], ctx.branch, ctx, undefined, false));
  }

  private addEdge(edge: GraphEdge<string>, index: number, joins: Set<string>): void {
    const field = `edges[${index}]`;
    if ('route' in edge) {
      const targets = edge.targets?.map((t, i) => (t === END ? t : this.known(t, `${field}.targets[${i}]`)));
      this.out(this.known(edge.from, `${field}.from`), {
        index,
        route: edge.route,
        ...(targets === undefined ? {} : { targets: new Set(targets) }),
        ...(edge.as === undefined ? {} : { as: this.segment(edge.as, `${field}.as`) }),
      });
      return;
    }
    if (typeof edge.from === 'string') {
      const direct = edge as { from: string; to: string | readonly string[]; as?: string };
      const to = (typeof direct.to === 'string' ? [direct.to] : direct.to).map((t, i) =>
        t === END ? t : this.known(t, `${field}.to${typeof direct.to === 'string' ? '' : `[${i}]`}`),
      );
      this.out(this.known(edge.from, `${field}.from`), {
        index,
        to,
        ...(direct.as === undefined ? {} : { as: this.segment(direct.as, `${field}.as`) }),
      });
      return;
    }
    if (edge.from.length === 0)
      throw new InvalidAgentConfigError(this.name, `${field}.from`, 'a join needs a node');
    const join = this.known(edge.to as string, `${field}.to`);
    joins.add(join);
    edge.from.forEach((from, i) => {
      this.out(this.known(from, `${field}.from[${i}]`), { index, to: [join] });
    });
  }

  private out(from: string, edge: OutEdge): void {
    const list = this.outgoing.get(from);
    if (list === undefined) this.outgoing.set(from, [edge]);
    else list.push(edge);
  }

  private known(key: unknown, field: string): string {
    if (typeof key !== 'string' || !this.nodes.has(key)) {
      throw new InvalidAgentConfigError(this.name, field, `'${String(key)}' is not a node of the graph`);
    }
    return key;
  }

  private segment(as: string, field: string): string {
    if (!isAgentName(as)) throw new InvalidAgentConfigError(this.name, field, `'${as}' is not an identifier`);
    return as;
  }
}
