import { homedir } from 'node:os';
import { join } from 'node:path';
import type { JsonValue, PendingRequest } from '@rxagents/core';
import type { DeploymentStatus } from '@rxagents/workloads';

/** A request to a deployment host, one JSON line on its socket. */
export type HostRequest =
  | { readonly cmd: 'status' }
  | { readonly cmd: 'logs'; readonly lines: number; readonly follow: boolean }
  | { readonly cmd: 'stop' }
  | { readonly cmd: 'start' }
  | { readonly cmd: 'cleanup' }
  | { readonly cmd: 'respond'; readonly requestId: string; readonly answer: JsonValue };

/** The status of one deployment as the host reports it. */
export interface HostStatus {
  readonly id: string;
  readonly goal: string;
  readonly phase: string;
  readonly status: DeploymentStatus;
  /** Scheduler milliseconds of the last change. */
  readonly at: number;
  /** Process id of the host. */
  readonly pid: number;
  /** While `waiting`: what it waits for (answer with `rxagents respond`). */
  readonly requests?: readonly PendingRequest[];
}

/** A reply line: the answer, a followed log line, the end of a follow, or an error. */
export type HostReply =
  | { readonly ok: true; readonly status: HostStatus }
  | { readonly ok: true; readonly lines: readonly string[] }
  | { readonly ok: true; readonly changed: boolean }
  | { readonly ok: true; readonly cleaned: true }
  | { readonly log: string }
  | { readonly end: true }
  | { readonly ok: false; readonly error: string };

/**
 * Directory of the control sockets of local deployments: `$RXAGENTS_STATE_DIR`, else
 * `~/.rxagents/workloads`.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RXAGENTS_STATE_DIR ?? join(homedir(), '.rxagents', 'workloads');
}

/** The control socket of a deployment. */
export function socketPath(dir: string, id: string): string {
  return join(dir, `${id}.sock`);
}
