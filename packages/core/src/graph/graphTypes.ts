import type { BaseAgent } from '../BaseAgent.js';
import type { InvocationContext } from '../InvocationContext.js';
import type { ConflictPolicy } from '../internal/ConflictTracker.js';
import type { RetryConfig } from '../operators/retry.js';
import type { TimeoutConfig } from '../operators/timeout.js';
import type { State, StateDelta } from '../StateStore.js';
import type { StateSchema } from './StateSchema.js';

/**
 * The explicit end of a path through a graph: route to it, or list it in an edge's `to`.
 *
 * @example
 * ```ts
 * import { END, graph } from '@rxagents/core';
 * const counter = graph('counter', {
 *   nodes: { count: (s) => ({ n: Number(s.n ?? 0) + 1 }) },
 *   start: 'count',
 *   edges: [{ from: 'count', route: (s) => (Number(s.n) < 3 ? 'count' : END) }],
 * });
 * ```
 */
export const END = '$end';
/** The type of {@link END}. */
export type End = typeof END;

/** Where a node goes next: one node, several (a fan-out), or {@link END}. */
export type Route<K extends string> = K | End | readonly (K | End)[];

/**
 * A router: the next node or nodes, from the state the node left (a ts-pattern `match` fits), and
 * which run of the node this was in this run of the graph (1 for the first; see `Event.iteration`).
 */
export type Router<K extends string> = (state: State, ctx: InvocationContext, iteration: number) => Route<K>;

/** A node written as a function: the state delta it commits, or undefined to commit nothing. */
export type NodeFn = (state: State, ctx: InvocationContext) => StateDelta | undefined;

/** A node with options, which compile to the operators: `run.pipe(timeout, retry, fallback)`. */
export interface NodeOptions {
  readonly run: BaseAgent | NodeFn;
  /** Each attempt's deadline (the `timeout` operator), applied inside `retry`. */
  readonly timeout?: number | TimeoutConfig;
  /** Attempts after a failure (the `retry` operator). */
  readonly retry?: number | RetryConfig;
  /** Run instead when the node still fails (the `fallback` operator). */
  readonly fallback?: BaseAgent;
}

/** A graph node: any agent, a function of the state returning a delta, or either with options. */
export type GraphNode = BaseAgent | NodeFn | NodeOptions;

/** `from` → `to`: one node, several (a fan-out whose arms run concurrently), or {@link END}. */
export interface DirectEdge<K extends string> {
  readonly from: K;
  readonly to: Route<K>;
  /** Branch segment of a fan-out's arms; the node's own branch when absent. */
  readonly as?: string;
}

/** `from: [a, b]` → `to`: `to` is a join, run once after all arms of the fan-out that reached it. */
export interface JoinEdge<K extends string> {
  readonly from: readonly K[];
  readonly to: K;
}

/** `from` → whatever `route` returns when `from` completes. */
export interface RouterEdge<K extends string> {
  readonly from: K;
  readonly route: Router<K>;
  /** The nodes `route` may return, for `toMermaid()`; a route outside them is an error when given. */
  readonly targets?: readonly (K | End)[];
  /** Branch segment of a fan-out's arms; the node's own branch when absent. */
  readonly as?: string;
}

/** An edge of a graph: direct, join or routed. */
export type GraphEdge<K extends string> = DirectEdge<K> | JoinEdge<K> | RouterEdge<K>;

/** The options of {@link graph}: node names in edges and `start` are checked against `nodes`. */
export interface GraphConfig<N extends Readonly<Record<string, GraphNode>>> {
  readonly nodes: N;
  readonly start: NoInfer<keyof N & string>;
  readonly edges?: readonly GraphEdge<NoInfer<keyof N & string>>[];
  /** Node runs at most in one run of the graph, across all arms (an integer >= 1). Default 1,000. */
  readonly maxSteps?: number;
  /** Checked on every commit of the graph's nodes; a delta that fails it is not committed. */
  readonly state?: StateSchema;
  /** What a fan-out does when two of its arms write one key: as `ParallelAgent`. Default `'report'`. */
  readonly onConflict?: ConflictPolicy;
  readonly description?: string;
}

/** A graph's options with node names as plain strings: what a `GraphAgent` is built from. */
export type GraphSpec = Omit<GraphConfig<Readonly<Record<string, GraphNode>>>, 'start' | 'edges'> & {
  readonly start: string;
  readonly edges?: readonly GraphEdge<string>[];
};
