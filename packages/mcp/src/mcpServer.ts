import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { type BaseAgent, InMemorySessionService, InvalidAgentConfigError, Runner } from '@rxagents/core';
import { z } from 'zod';
import { runAgentCall } from './internal/agentToolHandler.js';
import { listenStreamableHttp, type McpEndpoint } from './internal/listenStreamableHttp.js';
import type { McpListenOptions, McpServerOptions } from './McpServerOptions.js';

/** Agents served as MCP tools; see {@link mcpServer}. */
export interface RxAgentsMcpServer {
  /** The tool names, one per agent. */
  readonly toolNames: readonly string[];
  /** A new SDK `McpServer` for one connection (one MCP session, one session of ours). */
  createServer(): McpServer;
  /** Serves one client on this process's stdin and stdout; resolves when the client goes away. */
  serveStdio(): Promise<void>;
  /** Serves Streamable HTTP clients, one session each, on `http://host:port/path`. */
  listen(options?: McpListenOptions): Promise<McpEndpoint>;
}

interface Served {
  readonly runner: Runner;
  readonly agent: BaseAgent;
}

/**
 * Serves agents as MCP tools, over stdio or Streamable HTTP: one tool per agent, named after it,
 * whose input is `{ message }` and whose result is the text of the agent's final response (plus
 * `structuredContent`, with a declared output schema, when the agent has an object
 * `outputSchema`). Each MCP session is a session of ours (the MCP session id over HTTP, a fresh
 * id per stdio connection), so a client's calls form one conversation. A client cancelling a call
 * (`notifications/cancelled`) unsubscribes the run; a failed run is an `isError` result.
 *
 * @example
 * ```ts no-run
 * import { LlmAgent, scriptedModel } from '@rxagents/llm';
 * import { mcpServer } from '@rxagents/mcp';
 * const writer = new LlmAgent({
 *   name: 'story_writer',
 *   description: 'Writes a short story about a topic',
 *   model: scriptedModel([{ respond: 'A fox found a lantern.' }]),
 * });
 * const endpoint = await mcpServer({ agents: [writer] }).listen({ port: 3000 });
 * console.log(`MCP on ${endpoint.url}`);
 * ```
 * @see mcpToolset
 */
export function mcpServer(options: McpServerOptions): RxAgentsMcpServer {
  const served = servedOf(options);
  const userId = options.userId ?? 'mcp';
  const createServer = (): McpServer => {
    const server = new McpServer({ name: options.name ?? 'rxagents', version: options.version ?? '0.1.0' });
    // A stdio connection has no MCP session id: the connection is the session.
    const connectionSession = randomUUID();
    for (const { runner, agent } of served) {
      const schema = objectOutputSchema(agent);
      const outputKey = (agent as { outputKey?: unknown }).outputKey;
      server.registerTool(
        agent.name,
        {
          description: agent.description === '' ? `Runs the agent '${agent.name}'` : agent.description,
          inputSchema: { message: z.string().describe(`The message for ${agent.name}`) },
          ...(schema === undefined ? {} : { outputSchema: schema }),
        },
        ({ message }, extra) =>
          runAgentCall({
            runner,
            userId,
            sessionId: extra.sessionId ?? connectionSession,
            message,
            signal: extra.signal,
            structured:
              schema === undefined
                ? undefined
                : { outputKey: typeof outputKey === 'string' ? outputKey : undefined },
          }),
      );
    }
    return server;
  };
  return {
    toolNames: served.map((s) => s.agent.name),
    createServer,
    async serveStdio() {
      const server = createServer();
      const transport = new StdioServerTransport();
      const closed = new Promise<void>((resolve) => {
        transport.onclose = resolve;
      });
      await server.connect(transport);
      // The SDK's stdio transport does not notice the client going away: end with our stdin.
      process.stdin.once('end', () => void server.close());
      await closed;
    },
    listen: (listenOptions = {}) => listenStreamableHttp(createServer, listenOptions),
  };
}

function servedOf(options: McpServerOptions): readonly Served[] {
  if (options.runner !== undefined) return [{ runner: options.runner, agent: options.runner.agent }];
  const sessionService = options.sessionService ?? new InMemorySessionService();
  const appName = options.appName ?? 'mcp';
  const names = new Set<string>();
  return options.agents.map((agent) => {
    if (names.has(agent.name))
      throw new InvalidAgentConfigError(
        agent.name,
        'agents',
        `mcpServer: two agents are named '${agent.name}'`,
      );
    names.add(agent.name);
    return { agent, runner: new Runner({ appName, agent, sessionService }) };
  });
}

// An agent's zod `outputSchema` (LlmAgent's), when it describes an object: MCP output schemas must.
function objectOutputSchema(agent: BaseAgent): z.ZodObject | undefined {
  const schema = (agent as { outputSchema?: unknown }).outputSchema;
  return schema instanceof z.ZodObject ? schema : undefined;
}
