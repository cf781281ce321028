import { loadMcp } from './backend.js';
import { loadModule } from './loadModule.js';
import { resolveTarget } from './resolveTarget.js';
import type { CliIo } from './runCommand.js';
import { untilInterrupted } from './untilInterrupted.js';

/** Options of `rxagents mcp serve`. */
export interface McpServeOptions {
  /** Path of the module exporting the agent or Runner. */
  readonly module: string;
  /** The export to serve (default: default, agent, runner, rootAgent). */
  readonly export?: string;
  /** Serve Streamable HTTP on this port instead of stdio. */
  readonly port?: number;
  /** Host to listen on with `port`. Default `127.0.0.1`. */
  readonly host?: string;
  /** App name of the sessions when the module exports an agent. Default `rxagents`. */
  readonly app?: string;
}

/**
 * Serves the agent (or Runner) a module exports as an MCP tool: over stdio by default, so an MCP
 * client can spawn `rxagents mcp serve ./agent.ts`; over Streamable HTTP with a port. Over stdio,
 * stdout carries the protocol, so the module's `console.log` is sent to stderr.
 *
 * @example
 * ```ts no-run
 * import { mcpServeCommand, processIo } from '@rxagents/cli';
 * process.exitCode = await mcpServeCommand({ module: './agent.js', port: 3000 }, processIo());
 * ```
 * @returns the exit code, once the stdio client has gone or the HTTP server was interrupted
 */
export async function mcpServeCommand(options: McpServeOptions, io: CliIo): Promise<number> {
  const stdio = options.port === undefined;
  if (stdio) console.log = console.error;
  const { mcpServer } = await loadMcp();
  const loaded = await loadModule(options.module, io.cwd);
  const target = resolveTarget(loaded.exports, options.export);
  const server = mcpServer(
    target.kind === 'agent'
      ? { agents: [target.agent], appName: options.app ?? 'rxagents' }
      : { runner: target.runner },
  );
  if (stdio) {
    io.stderr.write(`rxagents: serving ${server.toolNames.join(', ')} over MCP stdio\n`);
    await server.serveStdio();
    return 0;
  }
  const endpoint = await server.listen({
    port: options.port,
    ...(options.host === undefined ? {} : { host: options.host }),
  });
  io.stdout.write(`MCP server for ${server.toolNames.join(', ')} on ${endpoint.url}\n`);
  await untilInterrupted(io);
  await endpoint.close();
  return 0;
}
