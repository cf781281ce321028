/** `pnpm --filter @rxagents/example-chat start`: the chat page on http://127.0.0.1:5174. */
import { startChatServer } from './server.js';

const server = await startChatServer({ port: Number(process.env.PORT ?? 5174) });
console.log(`chat example on ${server.url}/`);
