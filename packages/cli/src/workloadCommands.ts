import type { Command } from 'commander';
import { pc } from './colors.js';
import { deployCommand } from './deployCommand.js';
import type { HostStatus } from './protocol.js';
import { stateDir } from './protocol.js';
import type { CliIo } from './runCommand.js';
import { ask, listDeployments, request } from './workloadClient.js';

function table(statuses: readonly HostStatus[]): string[] {
  if (statuses.length === 0) return [pc.dim('no deployments running here')];
  const rows = statuses.map((s) => [s.id, s.status, s.phase, String(s.pid), s.goal]);
  const head = ['ID', 'STATUS', 'PHASE', 'PID', 'GOAL'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [pc.dim(line(head)), ...rows.map(line)];
}

/**
 * @internal Adds `deploy`, `status`, `logs`, `stop`, `start`, `cleanup` and `list` to the program.
 * `deploy` hosts the deployment in its process; the others talk to that process over its control
 * socket in the state directory.
 */
export function registerWorkloadCommands(
  program: Command,
  io: CliIo,
  positiveInt: (value: string) => number,
  setCode: (code: number) => void,
): void {
  const out = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };
  const json = (value: unknown): void => out(JSON.stringify(value));

  program
    .command('deploy')
    .description(
      'deploy a goal-seeking workload and host it in this process (status, logs, stop, cleanup talk to it)',
    )
    .argument(
      '<module>',
      'a module exporting a deployment spec ({ phases, evaluator? }) or a function of the goal',
    )
    .option('-g, --goal <text>', 'the goal')
    .option('-e, --export <name>', 'the export holding the spec (default: default, deployment)')
    .option('--id <id>', 'deployment id (default: generated)')
    .option('--exit', 'exit when the deployment ends (0 completed, 1 failed, 3 stopped)')
    .action(async (module: string, opts: { goal?: string; export?: string; id?: string; exit?: boolean }) => {
      setCode(
        await deployCommand(
          {
            module,
            ...(opts.goal === undefined ? {} : { goal: opts.goal }),
            ...(opts.export === undefined ? {} : { export: opts.export }),
            ...(opts.id === undefined ? {} : { id: opts.id }),
            exit: opts.exit === true,
          },
          io,
        ),
      );
    });

  program
    .command('status')
    .description('status of a deployment, or of every deployment running here')
    .argument('[id]', 'deployment id')
    .option('--json', 'print JSON')
    .action(async (id: string | undefined, opts: { json?: boolean }) => {
      const dir = stateDir();
      if (id === undefined) {
        const all = await listDeployments(dir);
        if (opts.json === true) json(all);
        else for (const line of table(all)) out(line);
        return;
      }
      const reply = await ask(dir, id, { cmd: 'status' });
      if (!('status' in reply)) throw new Error('unexpected reply');
      if (opts.json === true) json(reply.status);
      else out(`${reply.status.id}  ${pc.bold(reply.status.status)}  phase ${reply.status.phase}`);
    });

  program
    .command('list')
    .description('deployments running on this machine')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const all = await listDeployments(stateDir());
      if (opts.json === true) json(all);
      else for (const line of table(all)) out(line);
    });

  program
    .command('logs')
    .description("a deployment's log lines")
    .argument('<id>', 'deployment id')
    .option('-n, --lines <n>', 'how many of the last lines', positiveInt, 100)
    .option('-f, --follow', 'keep printing new lines until the deployment ends (or Ctrl-C)')
    .action(async (id: string, opts: { lines: number; follow?: boolean }) => {
      const abort = new AbortController();
      const remove = io.onInterrupt(() => abort.abort());
      let failed: string | undefined;
      await request(
        stateDir(),
        id,
        { cmd: 'logs', lines: opts.lines, follow: opts.follow === true },
        (reply) => {
          if ('lines' in reply) for (const line of reply.lines) out(line);
          else if ('log' in reply) out(reply.log);
          else if ('ok' in reply && !reply.ok) failed = reply.error;
        },
        abort.signal,
      );
      remove();
      if (failed !== undefined) throw new Error(failed);
    });

  for (const [name, description] of [
    ['stop', 'stop a running deployment (cancels its in-flight work)'],
    ['start', 'resume a stopped deployment at the phase it was in'],
  ] as const) {
    program
      .command(name)
      .description(description)
      .argument('<id>', 'deployment id')
      .action(async (id: string) => {
        const reply = await ask(stateDir(), id, { cmd: name });
        const changed = 'changed' in reply && reply.changed;
        out(
          changed
            ? `${id} ${name === 'stop' ? 'stopped' : 'started'}`
            : `${id} was not ${name === 'stop' ? 'running' : 'stopped'}`,
        );
      });
  }

  program
    .command('cleanup')
    .description('stop a deployment, delete its session and end its host process')
    .argument('<id>', 'deployment id')
    .action(async (id: string) => {
      await ask(stateDir(), id, { cmd: 'cleanup' });
      out(`${id} cleaned`);
    });
}
