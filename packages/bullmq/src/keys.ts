import type { Location } from './connection.js';

/**
 * @internal Our Redis keys, beside BullMQ's (`<prefix>:<queue>:…`); everything under the same
 * prefix and queue so one `prefix` isolates an application or a test.
 */
export class Keys {
  readonly base: string;
  constructor(location: Location) {
    this.base = `${location.prefix}:${location.queueName}:rx`;
  }
  /** Stream of one invocation's events (XADD by the worker, XREAD by the caller). */
  events(invocationId: string): string {
    return `${this.base}:events:${invocationId}`;
  }
  /** Set when an invocation is cancelled, so a worker picking it up later skips it. */
  cancel(invocationId: string): string {
    return `${this.base}:cancel:${invocationId}`;
  }
  /** Pub/sub channel of cancellations (message: the invocation id). */
  get cancelChannel(): string {
    return `${this.base}:cancel`;
  }
  /** Hash of one deployment's record: status, phase, goal, counters. */
  deployment(id: string): string {
    return `${this.base}:deployment:${id}`;
  }
  /** List of one deployment's log lines. */
  logs(id: string): string {
    return `${this.base}:logs:${id}`;
  }
  /** Sorted set of deployment ids, scored by deployment order. */
  get deployments(): string {
    return `${this.base}:deployments`;
  }
  /** Counter giving deployments their order. */
  get deploymentSeq(): string {
    return `${this.base}:deployment-seq`;
  }
  /** Hash of what workers host: name → 'agent' | 'deployment'. */
  get registry(): string {
    return `${this.base}:registry`;
  }
}
