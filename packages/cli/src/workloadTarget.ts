import type { DeploymentInfo, WorkloadClient } from '@rxagents/workloads';
import { type BackendConfig, describeQueue, withBackend } from './backend.js';
import { pc } from './colors.js';
import { columns } from './columns.js';
import { type FollowEnd, type FollowOptions, followDeployment } from './followDeployment.js';
import { stateDir } from './protocol.js';
import { SocketWorkloadClient } from './workloadClient.js';

/** A row of `list`: what every backend says, and what one of them adds. */
export type TargetRow = DeploymentInfo & {
  /** Process id of a local deployment's host. */
  readonly pid?: number;
  /** A backend deployment's spec and the worker that ran it last. */
  readonly spec?: string;
  readonly worker?: string;
};

/**
 * Where the workload commands go, so each has one body: the client of the deployments (a
 * `DistributedWorkload` on the configured queue, or the control sockets of the local
 * `rxagents deploy` processes), and what differs in how each is shown and followed.
 */
export interface WorkloadTarget {
  readonly client: WorkloadClient<TargetRow>;
  /** The table of `list` and `status` without an id. */
  table(rows: readonly TargetRow[]): string[];
  /** New log lines after `seen` until the deployment ends (pushed by a local host, else polled). */
  follow(id: string, options: FollowOptions): Promise<FollowEnd>;
  /** Said after `cleanup`, when something stays behind. */
  readonly cleanedNote: string | undefined;
}

/**
 * Runs `body` on the target of the global options: the Redis backend when one is configured
 * (opened, explained and closed as `withBackend` does; `sessions` opens its session service
 * too), else this machine's deployment hosts.
 */
export function withWorkloadTarget<T>(
  config: BackendConfig | undefined,
  body: (target: WorkloadTarget) => Promise<T>,
  options: { readonly sessions?: boolean } = {},
): Promise<T> {
  if (config === undefined) {
    const client = new SocketWorkloadClient(stateDir());
    return body({
      client,
      table: localTable,
      follow: (id, follow) => client.follow(id, follow),
      cleanedNote: undefined,
    });
  }
  return withBackend(
    config,
    ({ workload }) =>
      body({
        client: workload,
        table: (rows) => backendTable(rows, config),
        follow: (id, follow) => followDeployment(workload, id, follow),
        cleanedNote:
          config.postgres === undefined
            ? 'its session, in the memory of the worker that ran it, goes when that worker ends'
            : undefined,
      }),
    options,
  );
}

function localTable(rows: readonly TargetRow[]): string[] {
  if (rows.length === 0) return [pc.dim('no deployments running here')];
  return columns(
    ['ID', 'STATUS', 'PHASE', 'PID', 'GOAL'],
    rows.map((s) => [s.id, s.status, s.phase, String(s.pid), s.goal]),
  );
}

function backendTable(rows: readonly TargetRow[], config: BackendConfig): string[] {
  if (rows.length === 0) return [pc.dim(`no deployments on ${describeQueue(config)}`)];
  return columns(
    ['ID', 'STATUS', 'PHASE', 'WORKER', 'SPEC', 'GOAL'],
    rows.map((r) => [r.id, r.status, r.phase || '-', r.worker || '-', r.spec ?? '', r.goal]),
  );
}
