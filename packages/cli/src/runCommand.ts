// Stays one file: `rxagents run` from the module's agent to the terminal — options, the run, the
// prompts of a pause and the exit codes — one command read top to bottom; its pieces that other
// commands share (timeline, request lines, answers) are already modules of their own.
import { writeFile } from 'node:fs/promises';
import { trace } from '@opentelemetry/api';
import {
  type Event,
  InMemorySessionService,
  InvalidAnswerError,
  type JsonValue,
  type PendingRequest,
  pendingRequests,
  Runner,
  type RunRequest,
  type SessionService,
  type StateDelta,
} from '@rxagents/core';
import spinners from 'cli-spinners';
import { createLogUpdate } from 'log-update';
import { firstValueFrom } from 'rxjs';
import { askAnswer, describeRequest } from './askAnswer.js';
import { openSessions } from './backend.js';
import { pc } from './colors.js';
import { type LifecycleSignal, lifecycleTracer } from './lifecycleTracer.js';
import { loadModule } from './loadModule.js';
import { formatDuration, renderSummary, renderTimeline, type SessionInfo } from './renderTimeline.js';
import { resolveTarget } from './resolveTarget.js';
import { Timeline } from './Timeline.js';

/** Options of `rxagents run`. */
export interface RunOptions {
  /** Path of the module to load. */
  readonly module: string;
  /** The user's message. */
  readonly input?: string;
  /** Initial state as a JSON object, committed with the user's message. */
  readonly state?: string;
  /** One JSON event per line on stdout, nothing else. */
  readonly json?: boolean;
  /** Export to run (default: `default`, then `agent`, `runner`, `rootAgent`). */
  readonly export?: string;
  /** Session id. Default `cli-<time>`. */
  readonly session?: string;
  /** User id. Default `cli`. */
  readonly user?: string;
  /** App name when the module exports an agent. Default `rxagents`. */
  readonly app?: string;
  /** Writes the session (state and committed events) to this JSON file when the run ends. */
  readonly save?: string;
  /**
   * Answers for the requests a paused run of this session waits for (`rxagents resume`): the run
   * resumes instead of starting with a message. The session must outlive the earlier command:
   * `postgres`, or an exported Runner with a durable session service.
   */
  readonly answers?: Readonly<Record<string, JsonValue>>;
  /** Keeps the session in this PostgreSQL (when the module exports an agent), so a later `resume` finds it. */
  readonly postgres?: string;
  /** PostgreSQL schema of the sessions (default `rxagents`). */
  readonly schema?: string;
}

/** Where `rxagents` writes and what it knows of the terminal. */
export interface CliIo {
  readonly stdout: NodeJS.WriteStream | NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Draw the live view (a TTY) or print an append-only log. */
  readonly interactive: boolean;
  readonly columns: number;
  readonly cwd: string;
  /** Registers the Ctrl-C handler; returns its removal. */
  readonly onInterrupt: (handler: () => void) => () => void;
  /** Reads one line from the person at the terminal (`undefined` at the end of input); absent when stdin is no terminal. */
  readonly ask?: (question: string) => Promise<string | undefined>;
}

/**
 * Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells expect.
 *
 * @example
 * ```ts
 * import { EXIT_INTERRUPTED, processIo, runCommand } from '@rxagents/cli';
 * const code = await runCommand({ module: './agent.ts', input: 'go' }, processIo());
 * if (code === EXIT_INTERRUPTED) console.error('stopped by Ctrl-C');
 * ```
 */
export const EXIT_INTERRUPTED = 130;

/**
 * Exit code of a run that paused for input and was not answered here (`--json`, or no terminal
 * to ask on): its requests are in the session; answer them with `rxagents resume`.
 *
 * @example
 * ```ts
 * import { EXIT_PAUSED, processIo, runCommand } from '@rxagents/cli';
 * const code = await runCommand({ module: './agent.ts', input: 'go', json: true }, processIo());
 * if (code === EXIT_PAUSED) console.error('waiting for input: answer with rxagents resume');
 * ```
 */
export const EXIT_PAUSED = 4;

/**
 * `rxagents run`: loads the module, runs its agent (or Runner) for one message and renders the
 * event stream; resolves with the process exit code (0, 1 on error, 130 on Ctrl-C).
 *
 * Three renderings: a live tree (a TTY), an append-only log (a pipe, or `CI` set) and `--json`
 * (one event per line, nothing else on stdout). Agent starts and ends come from the core's
 * OpenTelemetry spans, through {@link lifecycleTracer}; everything else from the events.
 *
 * @example
 * ```ts
 * import { processIo, runCommand } from '@rxagents/cli';
 * process.exitCode = await runCommand({ module: './agent.js', input: 'a story about a fox' }, processIo());
 * ```
 * @see main for the whole command line
 */
export async function runCommand(options: RunOptions, io: CliIo): Promise<number> {
  const out = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };
  const err = (line: string): void => {
    io.stderr.write(`${line}\n`);
  };
  let stateDelta: StateDelta | undefined;
  if (options.state !== undefined) {
    const parsed = parseStateOption(options.state);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('--state must be a JSON object');
    }
    stateDelta = parsed as StateDelta;
  }

  const clock = () => performance.now();
  const timeline = new Timeline(clock);
  const mode = options.json === true ? 'json' : io.interactive ? 'live' : 'plain';
  const onSignal = (signal: LifecycleSignal): void => {
    timeline.signal(signal);
    if (mode !== 'plain') return;
    if (signal.type === 'agentStart') out(`${pc.cyan('▸')} ${signal.branch}`);
    if (signal.type === 'agentEnd') {
      const row = timeline.rows.find((r) => r.branch === signal.branch);
      const time = row === undefined ? '' : ` ${pc.dim(formatDuration(timeline.lastRunElapsed(row)))}`;
      const mark =
        signal.outcome === 'error'
          ? pc.red('✖')
          : signal.outcome === 'cancelled'
            ? pc.yellow('■')
            : pc.green('✔');
      out(`${mark} ${signal.branch}${time}`);
    }
  };
  const { tracer, provider } = lifecycleTracer(onSignal);

  const loaded = await loadModule(options.module, io.cwd);
  const target = resolveTarget(loaded.exports, options.export);
  let runner: Runner;
  let durable: { close(): Promise<void> } | undefined;
  if (target.kind === 'agent') {
    let sessionService: SessionService = new InMemorySessionService();
    if (options.postgres !== undefined) {
      const opened = await openSessions({
        redis: '',
        postgres: options.postgres,
        ...(options.schema === undefined ? {} : { schema: options.schema }),
      });
      sessionService = opened;
      durable = opened;
    }
    runner = new Runner({ appName: options.app ?? 'rxagents', agent: target.agent, sessionService, tracer });
  } else {
    runner = target.runner;
    // A Runner built by the module picks up the global provider (unless it was given a tracer or
    // the module registered its own provider: then agents appear at their first event).
    trace.setGlobalTracerProvider(provider);
  }
  const key = {
    appName: runner.appName,
    userId: options.user ?? 'cli',
    sessionId: options.session ?? `cli-${Date.now().toString(36)}`,
  };

  const started = clock();
  let dirty = true;
  let frame = 0;
  const spinner = spinners.dots;
  let live: ReturnType<typeof createLogUpdate> | undefined;
  const draw = (): void => {
    if (live === undefined || !dirty) return;
    dirty = false;
    live(
      renderTimeline(timeline, {
        columns: io.columns,
        spinner: spinner.frames[frame % spinner.frames.length]!,
      }),
    );
  };

  const onEvent = (event: Event): void => {
    if (mode === 'json') {
      out(JSON.stringify(event));
      return;
    }
    timeline.event(event);
    dirty = true;
    if (mode === 'plain' && event.partial !== true) {
      const branch = event.branch === '' ? event.author : event.branch;
      const textOf = (event.content?.parts ?? [])
        .map((p) => ('text' in p && p.thought !== true ? p.text : ''))
        .join('');
      if (textOf !== '') out(`${pc.bold(branch)}: ${textOf}`);
      for (const part of event.content?.parts ?? []) {
        if ('functionCall' in part) {
          out(
            `${pc.bold(branch)}: ${pc.magenta(`→ ${part.functionCall.name}(${JSON.stringify(part.functionCall.args)})`)}`,
          );
        } else if ('functionResponse' in part) {
          out(
            `${pc.bold(branch)}: ${pc.magenta(`← ${part.functionResponse.name}: ${JSON.stringify(part.functionResponse.response)}`)}`,
          );
        }
      }
      for (const [k, v] of Object.entries(event.actions.stateDelta)) {
        out(`${pc.bold(branch)}: ${pc.green(`state ${k} = ${JSON.stringify(v)}`)}`);
      }
      if (event.errorMessage !== undefined) out(`${pc.bold(branch)}: ${pc.red(event.errorMessage)}`);
    }
  };

  // One run of the agent (the first, or a resume with answers), drawn live until it ends.
  const runOnce = (request: RunRequest): Promise<Outcome> => {
    live =
      mode === 'live' ? createLogUpdate(io.stdout as NodeJS.WriteStream, { showCursor: false }) : undefined;
    const ticker =
      live === undefined
        ? undefined
        : setInterval(() => {
            frame++;
            dirty = true;
            draw();
          }, spinner.interval);
    return new Promise<Outcome>((resolve) => {
      let removeInterrupt: () => void = () => {};
      const subscription = runner.run(request).subscribe({
        next: onEvent,
        error: (error: unknown) => {
          removeInterrupt();
          resolve({ kind: 'error', error });
        },
        complete: () => {
          removeInterrupt();
          resolve({ kind: 'completed' });
        },
      });
      removeInterrupt = io.onInterrupt(() => {
        // Unsubscribing cancels everything beneath; nothing is emitted or committed after it.
        subscription.unsubscribe();
        removeInterrupt();
        resolve({ kind: 'cancelled' });
      });
      if (subscription.closed) removeInterrupt();
    }).then((outcome) => {
      if (ticker !== undefined) clearInterval(ticker);
      dirty = true;
      draw();
      live?.done();
      live = undefined;
      return outcome;
    });
  };

  const sessionNow = () => firstValueFrom(runner.sessionService.getSession(key)).catch(() => undefined);
  let outcome = await runOnce(
    options.answers !== undefined
      ? { ...key, resume: options.answers }
      : {
          ...key,
          ...(options.input === undefined ? {} : { newMessage: options.input }),
          ...(stateDelta === undefined ? {} : { stateDelta }),
        },
  );
  // A run that paused: ask on the terminal and resume, until it ends or cannot be asked here.
  let paused: readonly PendingRequest[] = [];
  for (;;) {
    paused = outcome.kind === 'completed' ? pendingRequests((await sessionNow())?.events ?? []) : [];
    if (paused.length === 0 || mode === 'json' || io.ask === undefined) break;
    const request = paused[0]!;
    const answer = await askAnswer(request, io.ask, out);
    if (answer === undefined) break;
    outcome = await runOnce({ ...key, resume: { [request.id]: answer } });
    if (outcome.kind === 'error' && outcome.error instanceof InvalidAnswerError) {
      err(pc.red(`  ${outcome.error.issues.join('; ')}: try again`));
      outcome = { kind: 'completed' };
    }
  }

  timeline.finish(outcome.kind === 'completed' ? 'completed' : outcome.kind);
  const session = await sessionNow();
  let savedTo: string | undefined;
  if (options.save !== undefined && session !== undefined) {
    const file = options.save;
    await writeFile(
      file,
      `${JSON.stringify({ ...key, state: session.state.snapshot(), events: session.events }, null, 2)}\n`,
    );
    savedTo = file;
  }
  const info: SessionInfo = {
    ...key,
    committed: session?.events.length,
    ...(savedTo === undefined ? {} : { savedTo }),
  };
  const duration = clock() - started;
  if (outcome.kind === 'error') {
    const error = outcome.error;
    err(pc.red(`error: ${error instanceof Error ? error.message : String(error)}`));
  }
  const resumeHint = (request: PendingRequest): string =>
    `rxagents resume ${options.module} --session ${key.sessionId} --answer '${request.id}=<json>'`;
  for (const request of paused) {
    err(`paused: ${request.author} ${describeRequest(request)} — answer with: ${resumeHint(request)}`);
  }
  if (paused.length > 0 && target.kind === 'agent' && durable === undefined) {
    err(
      '  this session was in memory and ends with this process: run with --postgres <url> to resume it later',
    );
  }
  if (mode === 'json') {
    if (outcome.kind === 'cancelled') {
      err(`cancelled: session ${key.sessionId} kept ${info.committed ?? 0} committed events`);
    }
  } else {
    out('');
    out(renderSummary(paused.length > 0 ? 'paused' : outcome.kind, timeline.totals(), duration, info));
    if (outcome.kind !== 'completed' && savedTo === undefined) {
      out(
        pc.dim(
          "  the session's committed events are in this process's session service; pass --save <file> to keep them",
        ),
      );
    }
  }
  await provider.shutdown();
  await durable?.close();
  if (paused.length > 0) return EXIT_PAUSED;
  return outcome.kind === 'completed' ? 0 : outcome.kind === 'error' ? 1 : EXIT_INTERRUPTED;
}

type Outcome =
  | { readonly kind: 'completed' | 'cancelled' }
  | { readonly kind: 'error'; readonly error: unknown };

/** `--state`'s JSON, or an error naming the option (JSON.parse's own message says only where it failed). */
function parseStateOption(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new Error(`--state is not valid JSON: ${(error as Error).message}`);
  }
}
