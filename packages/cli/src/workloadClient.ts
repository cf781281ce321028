import { readdir, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import type { JsonValue } from '@rxagents/core';
import type { StatusUpdate, WorkloadClient } from '@rxagents/workloads';
import { FOLLOW_WINDOW, type FollowEnd, type FollowOptions, newLines } from './followDeployment.js';
import type { HostReply, HostRequest, HostStatus } from './protocol.js';
import { socketPath } from './protocol.js';

/** The deployment is not served here: no host process (it ended, or never ran on this machine). */
export class NoDeploymentHostError extends Error {
  constructor(readonly id: string) {
    super(`no deployment '${id}' here: its 'rxagents deploy' process is not running (see 'rxagents list')`);
    this.name = 'NoDeploymentHostError';
  }
}

/**
 * Sends one request to a deployment's host and calls `onReply` with each reply line until the
 * host closes the connection. Resolves when it does; `abort` closes it early.
 */
export function request(
  dir: string,
  id: string,
  req: HostRequest,
  onReply: (reply: HostReply) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath(dir, id));
    let buffer = '';
    signal?.addEventListener('abort', () => socket.end(), { once: true });
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(req)}\n`));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl = buffer.indexOf('\n');
      while (nl !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line !== '') onReply(JSON.parse(line) as HostReply);
        nl = buffer.indexOf('\n');
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
        // A socket file left by a host that died: remove it.
        if (error.code === 'ECONNREFUSED') void rm(socketPath(dir, id), { force: true });
        reject(new NoDeploymentHostError(id));
      } else reject(error);
    });
    socket.on('close', () => resolve());
  });
}

/** Sends a request expecting one answer; throws the host's error. */
export async function ask(dir: string, id: string, req: HostRequest): Promise<HostReply> {
  let answer: HostReply | undefined;
  await request(dir, id, req, (reply) => {
    answer ??= reply;
  });
  if (answer === undefined) throw new Error(`deployment '${id}': the host closed without answering`);
  if ('ok' in answer && !answer.ok) throw new Error(answer.error);
  return answer;
}

/** Every deployment served on this machine (stale sockets are removed). */
export async function listDeployments(dir: string): Promise<HostStatus[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const ids = names.filter((n) => n.endsWith('.sock')).map((n) => n.slice(0, -'.sock'.length));
  const found = await Promise.all(
    ids.map(async (id) => {
      try {
        const reply = await ask(dir, id, { cmd: 'status' });
        return 'status' in reply ? reply.status : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return found.filter((s): s is HostStatus => s !== undefined);
}

/**
 * The {@link WorkloadClient} of the deployments `rxagents deploy` hosts on this machine: each
 * command is one request on the deployment's control socket in the state directory `dir`.
 */
export class SocketWorkloadClient implements WorkloadClient<HostStatus> {
  constructor(readonly dir: string) {}

  async status(id: string): Promise<StatusUpdate> {
    const reply = await ask(this.dir, id, { cmd: 'status' });
    if (!('status' in reply)) throw new Error(`deployment '${id}': unexpected reply`);
    return reply.status;
  }

  list(): Promise<HostStatus[]> {
    return listDeployments(this.dir);
  }

  async logs(id: string, lines = 100): Promise<readonly string[]> {
    const reply = await ask(this.dir, id, { cmd: 'logs', lines, follow: false });
    return 'lines' in reply ? reply.lines : [];
  }

  stop(id: string): Promise<boolean> {
    return this.change(id, 'stop');
  }

  start(id: string): Promise<boolean> {
    return this.change(id, 'start');
  }

  async respond(id: string, requestId: string, answer: JsonValue): Promise<void> {
    await ask(this.dir, id, { cmd: 'respond', requestId, answer });
  }

  async cleanup(id: string): Promise<{ readonly status: 'cleaned' }> {
    await ask(this.dir, id, { cmd: 'cleanup' });
    return { status: 'cleaned' };
  }

  /**
   * Follows the log as the host pushes it (no polling): the lines after `seen`, then each new
   * line, until the deployment ends (the host says so), its host goes, or `signal` aborts.
   */
  async follow(id: string, options: FollowOptions): Promise<FollowEnd> {
    let seen = options.seen;
    let ended = false;
    let failed: string | undefined;
    try {
      await request(
        this.dir,
        id,
        { cmd: 'logs', lines: FOLLOW_WINDOW, follow: true },
        (reply) => {
          if ('lines' in reply) {
            const fresh = newLines(seen, reply.lines);
            seen = [];
            if (fresh.length > 0) options.onLines(fresh);
          } else if ('log' in reply) options.onLines([reply.log]);
          else if ('end' in reply) ended = true;
          else if ('ok' in reply && !reply.ok) failed = reply.error;
        },
        options.signal,
      );
    } catch (error: unknown) {
      // Its host ended (with --exit) between reading the log and following it.
      if (error instanceof NoDeploymentHostError) return { type: 'gone' };
      throw error;
    }
    if (failed !== undefined) throw new Error(failed);
    if (options.signal.aborted) return { type: 'interrupted' };
    if (!ended) return { type: 'gone' };
    try {
      return { type: 'ended', status: await this.status(id) };
    } catch {
      return { type: 'gone' };
    }
  }

  private async change(id: string, cmd: 'stop' | 'start'): Promise<boolean> {
    const reply = await ask(this.dir, id, { cmd });
    return 'changed' in reply && reply.changed;
  }
}
