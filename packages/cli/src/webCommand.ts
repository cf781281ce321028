import { loadServer } from './backend.js';
import { loadModule } from './loadModule.js';
import { resolveTarget } from './resolveTarget.js';
import type { CliIo } from './runCommand.js';
import { untilInterrupted } from './untilInterrupted.js';
import { WEB_PAGE } from './webPage.js';

/** Options of `rxagents web`. */
export interface WebOptions {
  /** Path of the module exporting the agent or Runner. */
  readonly module: string;
  /** The export to serve (default: default, agent, runner, rootAgent). */
  readonly export?: string;
  /** Port to listen on. Default: any free one. */
  readonly port?: number;
  /** Host to listen on. Default `127.0.0.1`. */
  readonly host?: string;
}

/**
 * Serves a dev UI for the agent (or Runner) a module exports, like `adk web`: the page at `/`,
 * the `@rxagents/server` API under `/api` (chat over SSE, cancel, sessions, state at any event,
 * answers to pending requests). Sessions live in memory unless the module exports a Runner with
 * its own session service.
 *
 * @example
 * ```ts no-run
 * import { processIo, webCommand } from '@rxagents/cli';
 * process.exitCode = await webCommand({ module: './agent.js', port: 8000 }, processIo());
 * ```
 * @returns the exit code, once the server was interrupted
 */
export async function webCommand(options: WebOptions, io: CliIo): Promise<number> {
  const { server, node } = await loadServer();
  const loaded = await loadModule(options.module, io.cwd);
  const target = resolveTarget(loaded.exports, options.export);
  // Named in URLs by the root agent's name, as the module's author sees it in every event.
  const [name, agent] =
    target.kind === 'agent' ? [target.agent.name, target.agent] : [target.runner.agent.name, target.runner];
  const api = server.createHandler({ agents: { [name]: agent }, basePath: '/api' });
  const page = (): Response =>
    new Response(WEB_PAGE, { headers: { 'content-type': 'text/html; charset=utf-8' } });
  const handler = (request: Request): Promise<Response> =>
    new URL(request.url).pathname === '/' ? Promise.resolve(page()) : api(request);
  const served = await node.serve(handler, {
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
  });
  io.stdout.write(`rxagents web: ${name} on ${served.url}/\n`);
  await untilInterrupted(io);
  await served.close();
  return 0;
}
