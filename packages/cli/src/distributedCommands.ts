import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import type { DistributedDeploymentInfo } from '@rxagents/bullmq';
import type { JsonValue } from '@rxagents/core';
import type { StatusUpdate } from '@rxagents/workloads';
import { type BackendConfig, describeQueue, withBackend } from './backend.js';
import { pc } from './colors.js';
import { columns } from './columns.js';
import { FOLLOW_WINDOW, type FollowEnd, followDeployment } from './followDeployment.js';
import { EXIT_BY_STATUS, liveStatusLine, statusMark } from './liveStatusLine.js';
import { requestLines } from './requestLines.js';
import { type CliIo, EXIT_INTERRUPTED } from './runCommand.js';

// The workload commands when a Redis backend is configured: each one is a few round trips to
// Redis through `DistributedWorkload`; the deployments run on `rxagents worker` processes.

function writer(io: CliIo): (line: string) => void {
  return (line) => {
    io.stdout.write(`${line}\n`);
  };
}

/** The table of `list` and `status` without an id. */
export function distributedTable(
  rows: readonly DistributedDeploymentInfo[],
  config: BackendConfig,
): string[] {
  if (rows.length === 0) return [pc.dim(`no deployments on ${describeQueue(config)}`)];
  return columns(
    ['ID', 'STATUS', 'PHASE', 'WORKER', 'SPEC', 'GOAL'],
    rows.map((r) => [r.id, r.status, r.phase || '-', r.worker || '-', r.spec, r.goal]),
  );
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
    const abort = new AbortController();
    const removeInterrupt = io.onInterrupt(() => abort.abort());
    let end: FollowEnd;
    try {
      end = await followDeployment(workload, id, {
        seen: [],
        signal: abort.signal,
        onLines: (lines) => line.print(...lines.map((l) => pc.dim(l))),
        onStatus: (status) => {
          current = status;
          if (line.live) line.update();
          else out(`${id} ${status.phase || '-'} ${status.status}`);
        },
      });
    } finally {
      removeInterrupt();
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

/** `rxagents status [id]` against the backend. */
export function distributedStatus(
  id: string | undefined,
  json: boolean,
  config: BackendConfig,
  io: CliIo,
): Promise<number> {
  const out = writer(io);
  return withBackend(config, async ({ workload }) => {
    if (id === undefined) {
      const all = await workload.list();
      if (json) out(JSON.stringify(all));
      else for (const line of distributedTable(all, config)) out(line);
      return 0;
    }
    // `status` throws the not-found error; the list row adds goal, spec and worker.
    const status = await workload.status(id);
    const info = (await workload.list()).find((row) => row.id === id) ?? { id, ...status };
    if (json) out(JSON.stringify(info));
    else {
      const where = 'worker' in info && info.worker !== '' ? ` · worker ${info.worker}` : '';
      out(`${id}  ${pc.bold(status.status)}  phase ${status.phase || '-'}${where}`);
      for (const line of requestLines(id, status.requests)) out(line);
    }
    return 0;
  });
}

/** `rxagents respond` against the backend: a worker resumes the deployment with the answer. */
export function distributedRespond(
  id: string,
  requestId: string,
  answer: JsonValue,
  config: BackendConfig,
  io: CliIo,
): Promise<number> {
  const out = writer(io);
  return withBackend(config, async ({ workload }) => {
    await workload.respond(id, requestId, answer);
    out(`${id} answered ${requestId}`);
    return 0;
  });
}

/** `rxagents list` against the backend. */
export function distributedList(json: boolean, config: BackendConfig, io: CliIo): Promise<number> {
  return distributedStatus(undefined, json, config, io);
}

/**
 * `rxagents logs` against the backend: the last `lines` lines and, with `follow`, new ones until
 * the deployment ends (or is cleaned up, or Ctrl-C, which exits 130).
 */
export function distributedLogs(
  id: string,
  options: { readonly lines: number; readonly follow: boolean },
  config: BackendConfig,
  io: CliIo,
): Promise<number> {
  const out = writer(io);
  return withBackend(config, async ({ workload }) => {
    const window = await workload.logs(id, Math.max(options.lines, FOLLOW_WINDOW));
    for (const line of window.slice(-options.lines)) out(line);
    if (!options.follow) return 0;
    const abort = new AbortController();
    const removeInterrupt = io.onInterrupt(() => abort.abort());
    try {
      const end = await followDeployment(workload, id, {
        seen: window,
        signal: abort.signal,
        onLines: (lines) => {
          for (const line of lines) out(line);
        },
      });
      return end.type === 'interrupted' ? EXIT_INTERRUPTED : 0;
    } finally {
      removeInterrupt();
    }
  });
}

/** `rxagents stop` / `start` against the backend. */
export function distributedStopStart(
  command: 'stop' | 'start',
  id: string,
  config: BackendConfig,
  io: CliIo,
): Promise<number> {
  const out = writer(io);
  return withBackend(config, async ({ workload }) => {
    const changed = command === 'stop' ? await workload.stop(id) : await workload.start(id);
    out(
      changed
        ? `${id} ${command === 'stop' ? 'stopped' : 'started'}`
        : `${id} was not ${command === 'stop' ? 'running' : 'stopped'}`,
    );
    return 0;
  });
}

/** `rxagents cleanup` against the backend: stops it, deletes its record, logs and session. */
export function distributedCleanup(id: string, config: BackendConfig, io: CliIo): Promise<number> {
  const out = writer(io);
  return withBackend(
    config,
    async ({ workload }) => {
      await workload.cleanup(id);
      out(`${id} cleaned`);
      if (config.postgres === undefined) {
        out(pc.dim('its session, in the memory of the worker that ran it, goes when that worker ends'));
      }
      return 0;
    },
    { sessions: true },
  );
}
