import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import type { StatusUpdate } from '@rxagents/workloads';
import { type BackendConfig, describeQueue, withBackend } from './backend.js';
import { pc } from './colors.js';
import { type FollowEnd, followDeployment } from './followDeployment.js';
import { EXIT_BY_STATUS, liveStatusLine, statusMark } from './liveStatusLine.js';
import { type CliIo, EXIT_INTERRUPTED } from './runCommand.js';
import { withInterruptSignal } from './withInterruptSignal.js';

// `rxagents deploy` when a Redis backend is configured: a few round trips to Redis through
// `DistributedWorkload`; the deployment runs on `rxagents worker` processes. (The other workload
// commands have one body for both targets, in workloadCommands.ts.)

function writer(io: CliIo): (line: string) => void {
  return (line) => {
    io.stdout.write(`${line}\n`);
  };
}

/**
 * The spec name `deploy` asks the workers for: `--spec`, else the base name of the module file
 * (`./website.ts` → `website`, the name `rxagents worker ./website.ts` hosts it under), else the
 * argument itself taken as a spec name.
 */
export function specNameOf(target: string, cwd: string, spec: string | undefined): string {
  if (spec !== undefined) return spec;
  if (existsSync(resolve(cwd, target))) return basename(target, extname(target));
  return target;
}

/** Options of `rxagents deploy` against a backend. */
export interface DistributedDeployOptions {
  /** A module path (its base name is the spec name) or a spec name. */
  readonly target: string;
  readonly spec?: string;
  readonly goal?: string;
  readonly id?: string;
  /** Print the id and exit instead of following the deployment. */
  readonly detach?: boolean;
}

/**
 * `rxagents deploy` against the backend: enqueues the deployment, prints its id and, unless
 * `detach`, follows it (log lines above a live status line) until it ends; exits 0 completed,
 * 1 failed, 3 stopped. Ctrl-C stops following only: the deployment runs on the workers.
 */
export function distributedDeploy(
  options: DistributedDeployOptions,
  config: BackendConfig,
  io: CliIo,
): Promise<number> {
  const out = writer(io);
  const spec = specNameOf(options.target, io.cwd, options.spec);
  return withBackend(config, async ({ workload }) => {
    const id = await workload.deploy({
      spec,
      ...(options.goal === undefined ? {} : { goal: options.goal }),
      ...(options.id === undefined ? {} : { deploymentId: options.id }),
    });
    if (options.detach === true) {
      out(id);
      return 0;
    }
    out(`${pc.bold('deployed')} ${id} ${pc.dim(`spec ${spec} · goal: ${options.goal ?? "the spec's own"}`)}`);
    // Ctrl-C only detaches from the deployment: the message on the way out says so.
    out(pc.dim(`on ${describeQueue(config)}`));

    let current: StatusUpdate | undefined;
    const line = liveStatusLine(io, (spinner, elapsed) => {
      const status = current?.status ?? 'pending';
      const phase =
        current === undefined || current.phase === ''
          ? 'waiting for a worker'
          : `phase ${pc.bold(current.phase)}`;
      return `${statusMark(status, spinner)} ${pc.bold(id)} · ${phase} · ${status} ${elapsed}`;
    });
    let end: FollowEnd;
    try {
      end = await withInterruptSignal(io, (signal) =>
        followDeployment(workload, id, {
          seen: [],
          signal,
          onLines: (lines) => line.print(...lines.map((l) => pc.dim(l))),
          onStatus: (status) => {
            current = status;
            if (line.live) line.update();
            else out(`${id} ${status.phase || '-'} ${status.status}`);
          },
        }),
      );
    } finally {
      line.close();
    }
    switch (end.type) {
      case 'ended':
        out(pc.dim(`its status and logs stay until 'rxagents cleanup ${id}'`));
        return EXIT_BY_STATUS[end.status.status] ?? 1;
      case 'gone':
        out(`${id} was cleaned up`);
        return 0;
      case 'interrupted':
        out(`${id} keeps running on the workers ${pc.dim(`('rxagents stop ${id}' stops it)`)}`);
        return EXIT_INTERRUPTED;
    }
  });
}
