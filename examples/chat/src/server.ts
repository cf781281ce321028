import { toUIMessageStreamResponse } from '@rxagents/ai-sdk';
import type { BaseAgent } from '@rxagents/core';
import { type AgentHandler, createHandler } from '@rxagents/server';
import { type ServedHandler, serve } from '@rxagents/server/node';
import { createAssistant } from './agents.js';
import { buildChatPage } from './build.js';

/** The running example: its URL, the API handler (for its live runs) and `close`. */
export interface ChatServer extends ServedHandler {
  readonly api: AgentHandler;
}

/**
 * Serves the chat page at `/` and the agents' API under `/api` on one origin: the page's
 * `useChat` posts to `/api/agents/assistant/users/demo/chat`.
 */
export async function startChatServer(
  options: { port?: number; agents?: Record<string, BaseAgent> } = {},
): Promise<ChatServer> {
  const page = await buildChatPage();
  const api = createHandler({
    agents: options.agents ?? { assistant: createAssistant() },
    basePath: '/api',
    chat: { respond: (events) => toUIMessageStreamResponse(events) },
  });
  const site = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (path.startsWith('/api/')) return api(request);
    const file = page.get(path === '/' ? '/index.html' : path);
    if (file === undefined) return new Response('not found', { status: 404 });
    return new Response(file.body as Uint8Array<ArrayBuffer>, {
      headers: { 'content-type': file.type, 'cache-control': 'no-store' },
    });
  };
  const served = await serve(site, options.port === undefined ? {} : { port: options.port });
  return { ...served, api };
}
