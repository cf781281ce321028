// Worker processes for the cross-process tests (fixtures/worker.ts): spawned, told apart by the
// jobs they report starting, and killed.
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresUrl } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');

export interface WorkerProcess {
  readonly id: string;
  readonly child: ChildProcess;
  /** Job ids it started, in order. */
  readonly started: string[];
  readonly stderr: string[];
}

/** Starts a worker process on `prefix` / `schema`; resolves when it is ready. */
export function spawnWorker(
  where: { readonly prefix: string; readonly schema: string },
  id: string,
  concurrency: number,
  into: WorkerProcess[],
): Promise<WorkerProcess> {
  const child = spawn(
    process.execPath,
    ['--conditions=@rxagents/source', '--import', 'tsx', resolve(here, 'fixtures/worker.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        RX_PREFIX: where.prefix,
        RX_SCHEMA: where.schema,
        RX_PG: postgresUrl(),
        RX_WORKER_ID: id,
        RX_CONCURRENCY: String(concurrency),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const worker: WorkerProcess = { id, child, started: [], stderr: [] };
  into.push(worker);
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => worker.stderr.push(chunk));
  return new Promise((resolvePromise, reject) => {
    let buffer = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line === 'ready') resolvePromise(worker);
        else if (line.startsWith('started ')) worker.started.push(line.slice('started '.length));
        newline = buffer.indexOf('\n');
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`worker ${id} exited (${code}): ${worker.stderr.join('')}`)),
    );
  });
}

/** SIGKILLs a worker process; resolves when it has exited. */
export function kill(worker: WorkerProcess): Promise<void> {
  return new Promise((done) => {
    if (worker.child.exitCode !== null || worker.child.signalCode !== null) return done();
    worker.child.once('exit', () => done());
    worker.child.kill('SIGKILL');
  });
}
