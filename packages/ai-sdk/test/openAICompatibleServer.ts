import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny OpenAI-compatible chat-completions server for the adapter's end-to-end tests. It listens
 * on 127.0.0.1 on an ephemeral port, records every request (with its parsed JSON body) and answers
 * through a handler the test supplies. Not part of the public API.
 */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: ChatRequestBody;
  /** Resolves when the request's socket closes (abort, or server shutdown). */
  readonly socketClosed: Promise<void>;
}

/** The parts of an OpenAI chat-completions request body the tests look at. */
export interface ChatRequestBody {
  readonly model?: string;
  readonly stream?: boolean;
  readonly messages?: readonly {
    role: string;
    content?: unknown;
    tool_calls?: unknown;
    tool_call_id?: string;
  }[];
  readonly tools?: readonly {
    type: string;
    function: { name: string; description?: string; parameters?: unknown };
  }[];
  readonly [key: string]: unknown;
}

export type Handler = (request: RecordedRequest, res: ServerResponse) => void;

export interface TestServer {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseURL: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const socket = req.socket;
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: raw === '' ? {} : (JSON.parse(raw) as ChatRequestBody),
        socketClosed: new Promise((resolve) => {
          if (socket.destroyed) resolve();
          else socket.once('close', () => resolve());
        }),
      };
      requests.push(recorded);
      handler(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

/** One `chat.completion.chunk` of a streamed answer. */
export function chunk(
  delta: Record<string, unknown>,
  finishReason: string | null = null,
): Record<string, unknown> {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'test-model',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

/** The first chunk of a streamed tool call: its id and name, and the start of its JSON arguments. */
export function toolCallChunk(id: string, name: string, args: string): Record<string, unknown> {
  return chunk({
    role: 'assistant',
    tool_calls: [{ index: 0, id, type: 'function', function: { name, arguments: args } }],
  });
}

/** The trailing usage chunk sent when `stream_options.include_usage` is set. */
export function usageChunk(prompt: number, completion: number): Record<string, unknown> {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'test-model',
    choices: [],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

/** Starts a server-sent-events answer. */
export function startSse(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
}

export function writeSse(res: ServerResponse, data: Record<string, unknown> | '[DONE]'): void {
  res.write(`data: ${data === '[DONE]' ? data : JSON.stringify(data)}\n\n`);
}

/** A whole streamed answer: the chunks, then `[DONE]`. */
export function sse(res: ServerResponse, chunks: readonly Record<string, unknown>[]): void {
  startSse(res);
  for (const c of chunks) writeSse(res, c);
  writeSse(res, '[DONE]');
  res.end();
}

/** A non-streamed `chat.completion` answer. */
export function completion(
  res: ServerResponse,
  message: Record<string, unknown>,
  finishReason: string,
  usage: { prompt: number; completion: number },
): void {
  json(res, 200, {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'test-model',
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason }],
    usage: {
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      total_tokens: usage.prompt + usage.completion,
    },
  });
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
