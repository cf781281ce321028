import { readdir, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
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
