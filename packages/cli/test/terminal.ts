// Test helpers: the real `rxagents` binary, from source, in a pseudo-terminal or as a plain child.
import { type ChildProcess, type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import xterm from '@xterm/headless';

// The real binary, from source through tsx (so no build is needed), in a real pseudo-terminal:
// `script` (util-linux, on every Linux) runs it on a pty of 100x40, and the bytes it writes go
// through a headless xterm, so the assertions read the screen a user would see, after every
// cursor movement and erase of the live view. Ctrl-C is the byte 0x03 typed into the pty.
const here = dirname(fileURLToPath(import.meta.url));
export const pkg = resolve(here, '..');
const bin = join(pkg, 'src', 'bin.ts');
export const fixture = (name: string): string => join(pkg, 'test', 'fixtures', name);
export const node = ['node', '--conditions=@rxagents/source', '--import', 'tsx', bin];

const children = new Set<ChildProcess>();

function quote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

export interface Term {
  screen(): string;
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code once the output is drawn. */
  exitCode(timeoutMs?: number): Promise<number>;
  ctrlC(): void;
  /** Types into the terminal (`\r` is Enter). */
  type(text: string): void;
}

export function term(args: readonly string[], env: Record<string, string> = {}): Term {
  const screenBuffer = new xterm.Terminal({ cols: 100, rows: 40, allowProposedApi: true });
  const command = `stty cols 100 rows 40 && exec ${[...node, ...args].map(quote).join(' ')}`;
  // CI is unset: the CLI draws the live view only in a terminal outside CI.
  const { CI: _ci, NO_COLOR: _noColor, ...inherited } = process.env;
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    cwd: pkg,
    env: { ...inherited, ...env, TERM: 'xterm-256color' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.add(child);
  let drawn = Promise.resolve();
  child.stdout!.on('data', (chunk: Buffer) => {
    drawn = drawn.then(() => new Promise<void>((done) => screenBuffer.write(chunk, done)));
  });
  let exit: number | undefined;
  child.on('close', (code, signal) => {
    children.delete(child);
    void drawn.then(() => {
      exit = code ?? (signal === null ? -1 : 128);
    });
  });
  const screen = (): string => {
    const buffer = screenBuffer.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n').trim();
  };
  const poll = async <T>(probe: () => T | undefined, timeoutMs: number, what: () => string): Promise<T> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = probe();
      if (found !== undefined) return found;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what()}\n--- screen ---\n${screen()}`);
      await new Promise((r) => setTimeout(r, 40));
    }
  };
  return {
    screen,
    waitFor: (pattern, timeoutMs = 10_000) =>
      poll(
        () => {
          const s = screen();
          return (typeof pattern === 'string' ? s.includes(pattern) : pattern.test(s)) ? s : undefined;
        },
        timeoutMs,
        () => String(pattern),
      ),
    exitCode: (timeoutMs = 10_000) =>
      poll(
        () => exit,
        timeoutMs,
        () => 'exit',
      ),
    ctrlC: () => {
      child.stdin!.write('\u0003');
    },
    type: (text) => {
      child.stdin!.write(text);
    },
  };
}

/** Runs the binary to its end with `env` added to this process's environment. */
export function cli(args: readonly string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(node[0]!, [...node.slice(1), ...args], {
    cwd: pkg,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
}

/** Kills every process `term` started that is still running (for `afterAll`). */
export function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
}

/** What a finished run of the binary printed, and how long it took. */
export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly millis: number;
}

/** Like {@link cli}, without blocking: several commands can run at once. */
export function cliAsync(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const started = Date.now();
  const child = spawn(node[0]!, [...node.slice(1), ...args], {
    cwd: pkg,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve) => {
    child.on('close', (status) => {
      children.delete(child);
      resolve({ status, stdout, stderr, millis: Date.now() - started });
    });
  });
}
