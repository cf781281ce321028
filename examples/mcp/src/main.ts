// A StoryFlow-like agent whose story generator uses a tool from an MCP server, offline.
import { InMemorySessionService, isFunctionResponsePart, Runner, textOf } from '@rxagents/core';
import { lastValueFrom, tap } from 'rxjs';
import { storyFlow, thesaurus } from './storyWithMcp.js';

const toolset = thesaurus();
const runner = new Runner({
  appName: 'mcp-example',
  agent: storyFlow(toolset),
  sessionService: new InMemorySessionService(),
});
try {
  await lastValueFrom(
    runner.run({ userId: 'u', sessionId: 's', newMessage: 'go', stateDelta: { topic: 'a brave fox' } }).pipe(
      tap((event) => {
        for (const part of event.content?.parts ?? []) {
          if ('functionCall' in part)
            console.log(
              `${event.author} → ${part.functionCall.name}(${JSON.stringify(part.functionCall.args)})`,
            );
          if (isFunctionResponsePart(part))
            console.log(`  MCP answered: ${JSON.stringify(part.functionResponse.response)}`);
        }
        const text = textOf(event.content);
        if (text !== '') console.log(`${event.author}: ${text}`);
      }),
    ),
  );
} finally {
  await toolset.close();
}
