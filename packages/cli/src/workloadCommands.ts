import type { JsonValue } from '@rxagents/core';
import { type Command, InvalidArgumentError } from 'commander';
import type { BackendConfig } from './backend.js';
import { pc } from './colors.js';
import { deployCommand } from './deployCommand.js';
import { distributedDeploy } from './distributedCommands.js';
import { FOLLOW_WINDOW } from './followDeployment.js';
import { requestLines } from './requestLines.js';
import { type CliIo, EXIT_INTERRUPTED } from './runCommand.js';
import { withInterruptSignal } from './withInterruptSignal.js';
import { workerCommand } from './workerCommand.js';
import { withWorkloadTarget } from './workloadTarget.js';

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer ≥ 0');
  return n;
}

/**
 * @internal Adds `deploy`, `status`, `logs`, `stop`, `start`, `cleanup` and `list` to the program.
 * Without a backend, `deploy` hosts the deployment in its process and the others talk to that
 * process over its control socket in the state directory. With one (`backend()` returns its
 * config: a Redis URL is set), every command goes to a `DistributedWorkload` on that queue. Each
 * command but `deploy` has one body, written against the target's `WorkloadClient`.
 */
export function registerWorkloadCommands(
  program: Command,
  io: CliIo,
  positiveInt: (value: string) => number,
  setCode: (code: number) => void,
  backend: () => BackendConfig | undefined,
): void {
  const out = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };
  const json = (value: unknown): void => out(JSON.stringify(value));

  program
    .command('deploy')
    .description(
      'deploy a goal-seeking workload: hosted in this process, or on the workers of the --redis backend',
    )
    .argument(
      '<module>',
      'a module exporting a deployment spec ({ phases, evaluator? }) or a function of the goal; with a backend, the module (its file name is the spec name) or a spec name',
    )
    .option('-g, --goal <text>', 'the goal')
    .option('-e, --export <name>', 'the export holding the spec (default: default, deployment)')
    .option('--id <id>', 'deployment id (default: generated)')
    .option(
      '--exit',
      'exit when the deployment ends (0 completed, 1 failed, 3 stopped); always so with a backend',
    )
    .option('--spec <name>', 'backend: the spec name the workers host (default: the module file name)')
    .option('-d, --detach', 'backend: print the deployment id and exit instead of following it')
    .action(
      async (
        module: string,
        opts: {
          goal?: string;
          export?: string;
          id?: string;
          exit?: boolean;
          spec?: string;
          detach?: boolean;
        },
      ) => {
        const config = backend();
        if (config !== undefined) {
          setCode(
            await distributedDeploy(
              {
                target: module,
                ...(opts.spec === undefined ? {} : { spec: opts.spec }),
                ...(opts.goal === undefined ? {} : { goal: opts.goal }),
                ...(opts.id === undefined ? {} : { id: opts.id }),
                detach: opts.detach === true,
              },
              config,
              io,
            ),
          );
          return;
        }
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
      },
    );

  program
    .command('status')
    .description('status of a deployment, or of every deployment running here (or on the backend)')
    .argument('[id]', 'deployment id')
    .option('--json', 'print JSON')
    .action((id: string | undefined, opts: { json?: boolean }) =>
      withWorkloadTarget(backend(), async ({ client, table }) => {
        if (id === undefined) {
          const all = await client.list();
          if (opts.json === true) json(all);
          else for (const line of table(all)) out(line);
          return;
        }
        // `status` says when there is no such deployment; the list row adds goal, spec, worker, pid.
        const status = await client.status(id);
        const row = (await client.list()).find((r) => r.id === id);
        if (opts.json === true) json(row ?? { id, ...status });
        else {
          const worker = row?.worker;
          const where = worker === undefined || worker === '' ? '' : ` · worker ${worker}`;
          out(`${id}  ${pc.bold(status.status)}  phase ${status.phase || '-'}${where}`);
          for (const line of requestLines(id, status.requests)) out(line);
        }
      }),
    );

  program
    .command('respond')
    .description('answer the request a waiting deployment asks (see its status); it goes on where it paused')
    .argument('<id>', 'deployment id')
    .argument('<requestId>', 'the request id, from `rxagents status <id>`')
    .argument('<json>', 'the answer, JSON (a value that is no JSON is taken as a string)')
    .action(async (id: string, requestId: string, text: string) => {
      let answer: JsonValue;
      try {
        answer = JSON.parse(text) as JsonValue;
      } catch {
        answer = text;
      }
      await withWorkloadTarget(backend(), ({ client }) => client.respond(id, requestId, answer));
      out(`${id} answered ${requestId}`);
    });

  program
    .command('list')
    .description('deployments running on this machine (or on the backend)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withWorkloadTarget(backend(), async ({ client, table }) => {
        const all = await client.list();
        if (opts.json === true) json(all);
        else for (const line of table(all)) out(line);
      }),
    );

  program
    .command('logs')
    .description("a deployment's log lines")
    .argument('<id>', 'deployment id')
    .option('-n, --lines <n>', 'how many of the last lines', positiveInt, 100)
    .option('-f, --follow', 'keep printing new lines until the deployment ends (or Ctrl-C)')
    .action((id: string, opts: { lines: number; follow?: boolean }) =>
      withWorkloadTarget(backend(), async ({ client, follow }) => {
        // A window of at least FOLLOW_WINDOW lines: what a follow matches new lines against.
        const window = await client.logs(id, Math.max(opts.lines, FOLLOW_WINDOW));
        for (const line of window.slice(-opts.lines)) out(line);
        if (opts.follow !== true) return;
        const onLines = (lines: readonly string[]): void => {
          for (const line of lines) out(line);
        };
        const end = await withInterruptSignal(io, (signal) => follow(id, { seen: window, signal, onLines }));
        if (end.type === 'interrupted') setCode(EXIT_INTERRUPTED);
      }),
    );

  for (const [name, description] of [
    ['stop', 'stop a running deployment (cancels its in-flight work)'],
    ['start', 'resume a stopped deployment at the phase it was in'],
  ] as const) {
    program
      .command(name)
      .description(description)
      .argument('<id>', 'deployment id')
      .action(async (id: string) => {
        const changed = await withWorkloadTarget(backend(), ({ client }) => client[name](id));
        out(
          changed
            ? `${id} ${name === 'stop' ? 'stopped' : 'started'}`
            : `${id} was not ${name === 'stop' ? 'running' : 'stopped'}`,
        );
      });
  }

  program
    .command('worker')
    .description(
      "run a worker of the --redis backend hosting the module's deployment specs and agents, until Ctrl-C",
    )
    .argument(
      '<module>',
      "a module exporting a deployment spec (named after the file), a 'deployments' record, or agents",
    )
    .option('-c, --concurrency <n>', 'jobs run at once', positiveInt, 1)
    .option('-e, --export <name>', 'the export holding the spec or the record of specs')
    .option('--worker-id <id>', 'names the worker in deployment records (default: random)')
    .option(
      '--grace <ms>',
      'on Ctrl-C/SIGTERM, wait at most this long for running jobs, then hand them over to other workers (default: wait for them)',
      nonNegativeInt,
    )
    .action(
      async (
        module: string,
        opts: { concurrency: number; export?: string; workerId?: string; grace?: number },
      ) => {
        const config = backend();
        if (config === undefined) {
          throw new Error("'rxagents worker' needs a Redis backend: --redis <url> or RXAGENTS_REDIS_URL");
        }
        setCode(
          await workerCommand(
            {
              module,
              concurrency: opts.concurrency,
              ...(opts.export === undefined ? {} : { export: opts.export }),
              ...(opts.workerId === undefined ? {} : { workerId: opts.workerId }),
              ...(opts.grace === undefined ? {} : { graceMillis: opts.grace }),
            },
            config,
            io,
          ),
        );
      },
    );

  program
    .command('cleanup')
    .description('stop a deployment, delete its session and end its host process (or its backend record)')
    .argument('<id>', 'deployment id')
    .action((id: string) =>
      withWorkloadTarget(
        backend(),
        async ({ client, cleanedNote }) => {
          await client.cleanup(id);
          out(`${id} cleaned`);
          if (cleanedNote !== undefined) out(pc.dim(cleanedNote));
        },
        { sessions: true },
      ),
    );
}
