import { createInterface } from 'node:readline';
import type { JsonValue } from '@rxagents/core';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { BackendConfig } from './backend.js';
import { pc } from './colors.js';
import { mcpServeCommand } from './mcpServeCommand.js';
import { type CliIo, runCommand } from './runCommand.js';
import { webCommand } from './webCommand.js';
import { registerWorkloadCommands } from './workloadCommands.js';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

// One line from the terminal (a paused run's answer); undefined when the input ends.
function ask(question: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    let answered = false;
    lines.question(question, (answer) => {
      answered = true;
      lines.close();
      resolve(answer);
    });
    lines.once('close', () => {
      if (!answered) resolve(undefined);
    });
  });
}

/** `<requestId>=<json>` of `--answer` (a value that is no JSON is taken as a string), collected. */
function answerOption(value: string, previous: Record<string, JsonValue> = {}): Record<string, JsonValue> {
  const at = value.lastIndexOf('=');
  if (at <= 0) throw new InvalidArgumentError('expected <requestId>=<json>');
  const raw = value.slice(at + 1);
  let answer: JsonValue;
  try {
    answer = JSON.parse(raw) as JsonValue;
  } catch {
    answer = raw;
  }
  return { ...previous, [value.slice(0, at)]: answer };
}

/**
 * The real process's streams, terminal and Ctrl-C.
 *
 * @example
 * ```ts
 * import { processIo, runCommand } from '@rxagents/cli';
 * process.exitCode = await runCommand({ module: './agent.ts', input: 'a story about a fox' }, processIo());
 * ```
 */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: process.stdout.isTTY === true && process.env.CI === undefined,
    columns: process.stdout.columns ?? 100,
    cwd: process.cwd(),
    ...(process.stdin.isTTY === true ? { ask } : {}),
    onInterrupt: (handler) => {
      // The listener stays until the process exits: removing it inside the signal would let
      // signal-exit (used by log-update to restore the cursor) re-raise SIGINT and kill us before
      // the summary is printed. A second Ctrl-C forces the exit.
      let interrupted = false;
      const listener = (): void => {
        if (interrupted) process.exit(130);
        interrupted = true;
        handler();
      };
      process.on('SIGINT', listener);
      // In a terminal, read Ctrl-C as a key (raw mode) so the tty does not echo '^C' into the
      // live view; SIGINT from elsewhere (kill -INT) still works.
      const stdin = process.stdin;
      const raw = stdin.isTTY === true && process.stdout.isTTY === true;
      const onKey = (data: Buffer): void => {
        if (data.includes(3)) listener();
      };
      if (raw) {
        stdin.setRawMode(true);
        stdin.on('data', onKey);
      }
      return () => {
        interrupted = true;
        if (raw) {
          stdin.off('data', onKey);
          stdin.setRawMode(false);
          stdin.pause();
        }
      };
    },
  };
}

/**
 * Runs the `rxagents` command line and resolves with the exit code (the binary passes it to
 * `process.exit`).
 *
 * @example
 * ```ts
 * import { main } from '@rxagents/cli';
 * process.exitCode = await main(['run', './agent.js', '--input', 'hi']);
 * ```
 * @param argv the arguments after `node rxagents`
 * @param io streams and terminal; default: this process's
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let code = 0;
  const program = new Command('rxagents')
    .description('Run agents with a live timeline; deploy and manage goal-seeking workloads.')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });

  // Global: the workload commands go to this backend when a Redis URL is set (flag or env).
  program
    .addOption(
      new Option('--redis <url>', 'workloads on this Redis (BullMQ) instead of in-process').env(
        'RXAGENTS_REDIS_URL',
      ),
    )
    .addOption(
      new Option('--postgres <url>', 'sessions of backend deployments in this PostgreSQL').env(
        'RXAGENTS_POSTGRES_URL',
      ),
    )
    .addOption(
      new Option('--schema <name>', 'PostgreSQL schema of the sessions (default: rxagents)').env(
        'RXAGENTS_POSTGRES_SCHEMA',
      ),
    )
    .addOption(
      new Option('--prefix <prefix>', 'prefix of the Redis keys (default: rxagents)').env('RXAGENTS_PREFIX'),
    )
    .addOption(new Option('--queue <name>', 'BullMQ queue name (default: rxagents)').env('RXAGENTS_QUEUE'));
  const backend = (): BackendConfig | undefined => {
    const opts = program.opts<{
      redis?: string;
      postgres?: string;
      schema?: string;
      prefix?: string;
      queue?: string;
    }>();
    // An empty variable (RXAGENTS_REDIS_URL=) means unset, as shells write it to turn one off.
    const given = (value: string | undefined): string | undefined => (value === '' ? undefined : value);
    const redis = given(opts.redis);
    if (redis === undefined) return undefined;
    const postgres = given(opts.postgres);
    const schema = given(opts.schema);
    const prefix = given(opts.prefix);
    const queue = given(opts.queue);
    return {
      redis,
      ...(postgres === undefined ? {} : { postgres }),
      ...(schema === undefined ? {} : { schema }),
      ...(prefix === undefined ? {} : { prefix }),
      ...(queue === undefined ? {} : { queue }),
    };
  };

  const runOptions = (command: Command): Command =>
    command
      .option('--json', 'print one JSON event per line and nothing else on stdout')
      .option('-e, --export <name>', 'the export to run (default: default, agent, runner, rootAgent)')
      .option('--user <id>', 'user id', 'cli')
      .option('--app <name>', 'app name when the module exports an agent', 'rxagents')
      .option('--save <file>', 'write the session (state and committed events) to a JSON file at the end');
  const runWith = async (
    module: string,
    opts: Record<string, string | boolean | undefined>,
    answers?: Record<string, JsonValue>,
  ): Promise<void> => {
    const pick = (name: string): Record<string, string> =>
      typeof opts[name] === 'string' ? { [name]: opts[name] } : {};
    const global = program.opts<{ postgres?: string; schema?: string }>();
    code = await runCommand(
      {
        module,
        ...pick('input'),
        ...pick('state'),
        ...pick('export'),
        ...pick('session'),
        ...pick('user'),
        ...pick('app'),
        ...pick('save'),
        ...(global.postgres === undefined || global.postgres === '' ? {} : { postgres: global.postgres }),
        ...(global.schema === undefined || global.schema === '' ? {} : { schema: global.schema }),
        ...(answers === undefined ? {} : { answers }),
        json: opts.json === true,
      },
      io,
    );
  };

  runOptions(
    program
      .command('run')
      .description(
        'run an agent (or Runner) exported by a module and show its events live; a run that pauses for input asks on the terminal (with --json, or without a terminal, it exits with code 4)',
      )
      .argument('<module>', 'a .js/.mjs file, or .ts when tsx is installed')
      .option('-i, --input <text>', "the user's message")
      .option('-s, --state <json>', 'initial state, a JSON object')
      .option('--session <id>', 'session id (default: cli-<time>)'),
  ).action((module: string, opts: Record<string, string | boolean | undefined>) => runWith(module, opts));

  runOptions(
    program
      .command('resume')
      .description(
        'answer the requests of a paused run and let it go on (the session must be durable: --postgres, or a Runner export with its own store)',
      )
      .argument('<module>', 'the module of the paused run')
      .requiredOption('--session <id>', 'session id of the paused run')
      .requiredOption('-a, --answer <requestId=json>', 'an answer, by request id (repeatable)', answerOption),
  ).action((module: string, opts: Record<string, string | boolean | undefined>) =>
    runWith(module, opts, opts.answer as unknown as Record<string, JsonValue>),
  );

  // `mcp serve` and `web` serve a module's agent: the same argument and export option.
  const serving = (command: Command): Command =>
    command
      .argument('<module>', 'a .js/.mjs file, or .ts when tsx is installed')
      .option('-e, --export <name>', 'the export to serve (default: default, agent, runner, rootAgent)');
  type Serving = { export?: string; port?: number; host: string };
  const served = (module: string, opts: Serving) => ({
    module,
    host: opts.host,
    ...(opts.export === undefined ? {} : { export: opts.export }),
    ...(opts.port === undefined ? {} : { port: opts.port }),
  });

  serving(
    program
      .command('mcp')
      .description('Model Context Protocol')
      .command('serve')
      .description('serve the agent (or Runner) a module exports as an MCP tool, over stdio or HTTP'),
  )
    .option('-p, --port <port>', 'serve Streamable HTTP on this port instead of stdio', positiveInt)
    .option('--host <host>', 'host to listen on with --port', '127.0.0.1')
    .option('--app <name>', 'app name when the module exports an agent', 'rxagents')
    .action(async (module: string, opts: Serving & { app: string }) => {
      code = await mcpServeCommand({ ...served(module, opts), app: opts.app }, io);
    });

  serving(
    program
      .command('web')
      .description(
        'serve a dev UI for the agent (or Runner) a module exports: chat, cancel, sessions, state',
      ),
  )
    .option('-p, --port <port>', 'port to listen on (default: any free one)', positiveInt)
    .option('--host <host>', 'host to listen on', '127.0.0.1')
    .action(async (module: string, opts: Serving) => {
      code = await webCommand(served(module, opts), io);
    });

  registerWorkloadCommands(
    program,
    io,
    positiveInt,
    (c) => {
      code = c;
    },
    backend,
  );

  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    io.stderr.write(`${pc.red(`error: ${error instanceof Error ? error.message : String(error)}`)}\n`);
    return 1;
  }
}
