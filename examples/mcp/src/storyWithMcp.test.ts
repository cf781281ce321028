import { InMemorySessionService, isFunctionResponsePart, Runner } from '@rxagents/core';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { storyFlow, thesaurus } from './storyWithMcp.js';

const toolset = thesaurus();
afterAll(() => toolset.close());

describe('StoryFlow with an MCP tool', { timeout: 30_000 }, () => {
  it('calls the thesaurus MCP server over stdio and writes the story with what it answered', async () => {
    const runner = new Runner({
      appName: 'mcp-example',
      agent: storyFlow(toolset),
      sessionService: new InMemorySessionService(),
    });
    const events = await lastValueFrom(
      runner
        .run({ userId: 'u', sessionId: 's', newMessage: 'go', stateDelta: { topic: 'a brave fox' } })
        .pipe(toArray()),
    );
    const responses = events.flatMap((e) => (e.content?.parts ?? []).filter(isFunctionResponsePart));
    expect(responses.map((p) => p.functionResponse)).toEqual([
      expect.objectContaining({
        name: 'synonyms',
        response: {
          text: 'valiant, bold, fearless',
          structuredContent: { word: 'brave', synonyms: ['valiant', 'bold', 'fearless'] },
        },
      }),
    ]);
    const session = await firstValueFrom(
      runner.sessionService.getSession({ appName: 'mcp-example', userId: 'u', sessionId: 's' }),
    );
    expect(session!.state.snapshot().current_story).toContain('valiant');
    expect(session!.state.snapshot().criticism).toBe('Vivid words; the ending could be longer.');
  });
});
