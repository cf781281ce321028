// Serves a streaming writer on a scripted model: `pnpm --filter @rxagents/example-nestjs start`, then
// curl -N 'http://localhost:3000/users/u1/sessions/s1/run?message=a%20fox'
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { InMemorySessionService, Runner } from '@rxagents/core';
import { LlmAgent, scriptedModel } from '@rxagents/llm';
import { appModule } from './appModule.js';

const model = scriptedModel([{ agent: 'writer', respond: 'A fox found a lantern in the snow.' }], {
  chunks: 8,
  chunkInterval: 150,
});
const writer = new LlmAgent({ name: 'writer', model, stream: true, outputKey: 'draft' });
const runner = new Runner({ appName: 'nestjs', agent: writer, sessionService: new InMemorySessionService() });
const app = await NestFactory.create(appModule(runner));
await app.listen(Number(process.env.PORT ?? 3000));
console.log(`rxagents on NestJS: ${await app.getUrl()}`);
