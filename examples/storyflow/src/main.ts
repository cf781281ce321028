// StoryFlow: generate a story, refine it (critic ↔ reviser), check grammar and tone, and write it
// again when the tone came out negative. Offline on a scripted model by default; on a real
// OpenAI-compatible model when RXAGENTS_BASE_URL, RXAGENTS_MODEL and RXAGENTS_API_KEY are set.
import { InMemorySessionService, Runner } from '@rxagents/core';
import type { Model } from '@rxagents/llm';
import { concat, defer, tap } from 'rxjs';
import { color, printEvents } from './printEvents.js';
import { storyFlowModel, TOPICS } from './scenarios.js';
import { storyFlowPipe } from './storyFlows.js';

const bold = color(1, 22);
const magenta = color(35, 39);

type ModelFactory = (options: { baseURL: string; model: string; apiKey: string }) => Model;

async function realModel(): Promise<Model | undefined> {
  const baseURL = process.env.RXAGENTS_BASE_URL;
  const model = process.env.RXAGENTS_MODEL;
  const apiKey = process.env.RXAGENTS_API_KEY;
  if (baseURL === undefined || model === undefined) return undefined;
  // Imported only when asked for, so the offline demo runs whatever state that package is in.
  const specifier = '@rxagents/ai-sdk';
  const adapter = (await import(specifier)) as { openAICompatibleModel?: ModelFactory };
  if (typeof adapter.openAICompatibleModel !== 'function') {
    throw new Error('@rxagents/ai-sdk does not export openAICompatibleModel yet');
  }
  return adapter.openAICompatibleModel({ baseURL, model, apiKey: apiKey ?? '' });
}

const live = await realModel();
const model = live ?? storyFlowModel({ latency: 120, chunks: 8, chunkInterval: 35 });
const topics = live === undefined ? TOPICS : [process.env.RXAGENTS_TOPIC ?? TOPICS[0]];
const write = (chunk: string) => process.stdout.write(chunk);

write(`StoryFlow on ${live === undefined ? 'the scripted model (offline)' : `${model.name} (live)`}\n`);
const sessions = new InMemorySessionService();
const runner = new Runner({ appName: 'storyflow', agent: storyFlowPipe(model), sessionService: sessions });

let regenerated = false;
const runs = topics.map((topic, i) =>
  defer(() => {
    write(`\n${bold(`━━ Run ${i + 1}: a story about ${topic} ━━`)}\n`);
    let generations = 0;
    return runner
      .run({
        userId: 'reader',
        sessionId: `story-${i + 1}`,
        newMessage: `Tell me a story about ${topic}.`,
        stateDelta: { topic },
      })
      .pipe(
        printEvents(write),
        tap({
          next: (event) => {
            if (event.author === 'story_generator' && event.partial !== true) generations++;
          },
          complete: () => {
            if (generations > 1) {
              regenerated = true;
              write(`\n${magenta('↻ tone_check said negative, so story_generator ran again')}\n`);
            }
          },
        }),
      );
  }),
);

concat(...runs).subscribe({
  error: (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
  complete: () => {
    for (const [i] of topics.entries()) {
      sessions
        .getSession({ appName: 'storyflow', userId: 'reader', sessionId: `story-${i + 1}` })
        .subscribe((session) => {
          write(`\n${bold(`Final story ${i + 1}:`)} ${String(session?.state.get('current_story') ?? '')}\n`);
        });
    }
    if (live === undefined && !regenerated) process.exitCode = 1;
  },
});
