import { InMemorySessionService, Runner, sequentialIds } from '@rxagents/core';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { printEvents } from './printEvents.js';
import { storyFlowModel, TOPICS } from './scenarios.js';
import { storyFlowPipe } from './storyFlows.js';

describe('printEvents', () => {
  it('prints each turn once with author and branch, the streamed text on one line, then its state writes', () => {
    let out = '';
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ flush }) => {
      const runner = new Runner({
        appName: 'storyflow',
        agent: storyFlowPipe(storyFlowModel({ latency: 5, chunks: 4, chunkInterval: 1 })),
        sessionService: new InMemorySessionService(),
        idGenerator: sequentialIds('e'),
      });
      runner
        .run({ userId: 'u', sessionId: 's', newMessage: 'go', stateDelta: { topic: TOPICS[0] } })
        .pipe(
          printEvents((chunk) => {
            out += chunk;
          }),
        )
        .subscribe();
      flush();
    });
    const lines = out.split('\n');
    expect(lines.filter((l) => l.startsWith('story_generator [story_flow.story_generator]'))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('tone_check [story_flow.checks.tone_check]'))).toHaveLength(1);
    const first = lines.indexOf('story_generator [story_flow.story_generator]');
    expect(lines[first + 1]).toBe(
      '  The fox found a lantern in the snow. Its light was cold and it showed only the bones of the forest. ' +
        'She carried it until her paws froze, and nobody came.',
    );
    expect(lines[first + 2]).toMatch(
      /^ {2}state current_story = "The fox found a lantern in the snow\. .*…"$/,
    );
    expect(out).toContain('  state tone_check_result = "negative"');
  });
});
