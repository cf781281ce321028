import type { Location } from './connection.js';

/**
 * @internal Our Redis keys, beside BullMQ's (`<prefix>:<queue>:…`); everything under the same
 * prefix and queue so one `prefix` isolates an application or a test.
 */
export class Keys {
  readonly base: string;
  /** Stream of one invocation's events (XADD by the worker, XREAD by the caller). */
  readonly events: (invocationId: string) => string;
  /** Pub/sub channel of cancellations (message: the invocation id). */
  readonly cancelChannel: string;
  /** Hash of one deployment's record: status, phase, goal, counters. */
  readonly deployment: (id: string) => string;
  /** List of one deployment's log lines. */
  readonly logs: (id: string) => string;
  /** Sorted set of deployment ids, scored by deployment order. */
  readonly deployments: string;
  /** Counter giving deployments their order. */
  readonly deploymentSeq: string;
  /** Hash of what workers host: name → 'agent' | 'deployment'. */
  readonly registry: string;

  constructor(location: Location) {
    const base = `${location.prefix}:${location.queueName}:rx`;
    const under =
      (kind: string) =>
      (id: string): string =>
        `${base}:${kind}:${id}`;
    this.base = base;
    this.events = under('events');
    this.deployment = under('deployment');
    this.logs = under('logs');
    this.cancelChannel = `${base}:cancel`;
    this.deployments = `${base}:deployments`;
    this.deploymentSeq = `${base}:deployment-seq`;
    this.registry = `${base}:registry`;
  }
}
