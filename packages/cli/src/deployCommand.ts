import { mkdir, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import type { asWorkloadClient, DeploymentSpec, StatusUpdate, Workload } from '@rxagents/workloads';
import { pc } from './colors.js';
import { EXIT_BY_STATUS, liveStatusLine, statusMark } from './liveStatusLine.js';
import { loadModule } from './loadModule.js';
import type { HostReply, HostRequest, HostStatus } from './protocol.js';
import { socketPath, stateDir } from './protocol.js';
import type { CliIo } from './runCommand.js';

/** Options of `rxagents deploy`. */
export interface DeployOptions {
  readonly module: string;
  /** The goal; required unless the exported spec has one. */
  readonly goal?: string;
  /** Export holding the spec (default: `default`, then `deployment`). */
  readonly export?: string;
  /** Deployment id (default: generated). */
  readonly id?: string;
  /** Exit when the deployment ends instead of serving status and logs until `cleanup`. */
  readonly exit?: boolean;
}

/** @internal A deployment spec as a module exports it: the goal may come from `--goal`. */
export type SpecExport = DeploymentSpec | Omit<DeploymentSpec, 'goal'>;

/** @internal An object with `phases`, duck-typed: the module may load its own copy of the packages. */
export function isSpec(value: unknown): value is SpecExport {
  return typeof value === 'object' && value !== null && Array.isArray((value as { phases?: unknown }).phases);
}

/**
 * Picks the deployment spec from a module: an object with `phases` (a `DeploymentSpec`, the goal
 * optional) or a function of the goal returning one.
 */
function resolveSpec(
  exports: Readonly<Record<string, unknown>>,
  goal: string | undefined,
  name?: string,
): DeploymentSpec {
  const names = name === undefined ? ['default', 'deployment'] : [name];
  for (const n of names) {
    if (!(n in exports)) continue;
    let value = exports[n];
    if (typeof value === 'function') value = (value as (goal: string | undefined) => unknown)(goal);
    if (!isSpec(value)) throw new Error(`export '${n}' is not a deployment spec (an object with 'phases')`);
    const finalGoal = goal ?? ('goal' in value ? value.goal : undefined);
    if (finalGoal === undefined) throw new Error('a goal is needed: pass --goal');
    return { ...value, goal: finalGoal } as DeploymentSpec;
  }
  throw new Error(
    `no deployment spec exported as ${names.map((n) => `'${n}'`).join(' or ')} (exports: ${Object.keys(exports).join(', ') || 'none'})`,
  );
}

/**
 * `rxagents deploy`: deploys the module's spec on an in-process `Workload` and hosts it in the
 * foreground: live status and log lines on the terminal, and a control socket in the state
 * directory that `status`, `logs`, `stop`, `start`, `cleanup` and `list` talk to. The deployment
 * lives as long as this process: until `cleanup`, Ctrl-C (which stops it), or its end with `--exit`.
 *
 * @example
 * ```ts
 * import { deployCommand, processIo } from '@rxagents/cli';
 * // `rxagents deploy ./site.ts --goal 'a deployed site'`, from a script of your own.
 * process.exitCode = await deployCommand({ module: './site.ts', goal: 'a deployed site', exit: true }, processIo());
 * ```
 */
export async function deployCommand(options: DeployOptions, io: CliIo): Promise<number> {
  const workloads = (await import('@rxagents/workloads').catch(() => {
    throw new Error("'rxagents deploy' needs @rxagents/workloads: npm i @rxagents/workloads");
  })) as { Workload: typeof Workload; asWorkloadClient: typeof asWorkloadClient };
  const loaded = await loadModule(options.module, io.cwd);
  const spec = resolveSpec(loaded.exports, options.goal, options.export);
  const workload = new workloads.Workload();
  // The socket serves the workload's client: the same commands as any other backend's.
  const client = workloads.asWorkloadClient(workload);
  const dir = stateDir();
  await mkdir(dir, { recursive: true });
  const id = workload.deploy({ ...spec, ...(options.id === undefined ? {} : { deploymentId: options.id }) });
  const path = socketPath(dir, id);
  const out = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };

  const statusOf = (): HostStatus => {
    const s = workload.status(id);
    const base = { id, goal: spec.goal, phase: s.phase, status: s.status, at: s.at, pid: process.pid };
    return s.requests === undefined ? base : { ...base, requests: s.requests };
  };
  const followers = new Set<Socket>();
  let ended = false;
  let cleanedBy: 'request' | 'interrupt' | undefined;
  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });

  // One answer per request; `respond` answers once the answer is committed (or refused).
  const answer = async (req: HostRequest): Promise<HostReply> => {
    switch (req.cmd) {
      case 'status':
        return { ok: true, status: statusOf() };
      case 'logs':
        return { ok: true, lines: await client.logs(id, req.lines) };
      case 'stop':
      case 'start':
        return { ok: true, changed: await client[req.cmd](id) };
      case 'respond':
        await client.respond(id, req.requestId, req.answer);
        return { ok: true, changed: true };
      case 'cleanup':
        cleanedBy = 'request';
        finish(0);
        await client.cleanup(id);
        return { ok: true, cleaned: true };
    }
  };
  const server = createServer((socket) => {
    socket.setEncoding('utf8');
    let buffer = '';
    const reply = (r: HostReply): void => {
      socket.write(`${JSON.stringify(r)}\n`);
    };
    socket.on('error', () => followers.delete(socket));
    socket.on('close', () => followers.delete(socket));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl === -1) return;
      const req = JSON.parse(buffer.slice(0, nl)) as HostRequest;
      answer(req).then(
        (r) => {
          reply(r);
          if (req.cmd === 'logs' && req.follow && !ended) followers.add(socket);
          else socket.end();
        },
        (error: unknown) => {
          reply({ ok: false, error: error instanceof Error ? error.message : String(error) });
          socket.end();
        },
      );
    });
  });
  await rm(path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });

  out(`${pc.bold('deployed')} ${id} ${pc.dim(`goal: ${spec.goal}`)}`);
  out(pc.dim(`control socket ${path}`));
  // The terminal: log lines above, a live status line below (or plain lines when not a TTY).
  let current: StatusUpdate = workload.status(id);
  const status = liveStatusLine(io, (spinner, elapsed) => {
    const hint = ended
      ? pc.dim(options.exit === true ? '' : ` · serving status/logs until 'rxagents cleanup ${id}' or Ctrl-C`)
      : '';
    return `${statusMark(current.status, spinner)} ${pc.bold(id)} · phase ${pc.bold(current.phase)} · ${current.status} ${elapsed}${hint}`;
  });

  const logSub = workload.logs$(id).subscribe((line) => {
    status.print(pc.dim(line));
    for (const follower of followers)
      follower.write(`${JSON.stringify({ log: line } satisfies HostReply)}\n`);
  });
  const statusSub = workload.status$(id).subscribe((update) => {
    current = update;
    ended = update.status === 'completed' || update.status === 'failed' || update.status === 'stopped';
    if (status.live) status.update();
    else out(`${id} ${update.phase} ${update.status}`);
    if (ended) {
      for (const follower of followers)
        follower.end(`${JSON.stringify({ end: true } satisfies HostReply)}\n`);
      followers.clear();
      if (options.exit === true) finish(EXIT_BY_STATUS[update.status] ?? 1);
    }
  });
  const removeInterrupt = io.onInterrupt(() => {
    cleanedBy = 'interrupt';
    workload.stop(id);
    finish(130);
  });

  const code = await done;
  removeInterrupt();
  status.close();
  logSub.unsubscribe();
  statusSub.unsubscribe();
  for (const follower of followers) follower.end(`${JSON.stringify({ end: true } satisfies HostReply)}\n`);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(path, { force: true });
  if (cleanedBy === 'request') out(`${id} cleaned up`);
  if (cleanedBy === 'interrupt') out(`${id} stopped (Ctrl-C); its session is gone with this process`);
  return code;
}
