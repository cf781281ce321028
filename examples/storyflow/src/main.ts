// Placeholder until the StoryFlow example lands: a core-only flow printing its live event stream.
import { agent, InMemorySessionService, loop, Runner, sequence, text, textOf } from '@rxagents/core';
import { map, of, timer } from 'rxjs';

const say = (name: string, key: string, value: string, ms: number) =>
  agent(name, (ctx) =>
    timer(ms, ctx.scheduler).pipe(
      map(() => ctx.newEvent({ content: text(value), actions: { stateDelta: { [key]: value } } })),
    ),
  );

const flow = sequence('flow', [
  say('writer', 'draft', 'A fox found a lantern.', 20),
  loop(
    'refine',
    [
      say('critic', 'criticism', 'More wonder.', 10),
      say('reviser', 'draft', 'A fox found a glowing lantern.', 10),
    ],
    { maxIterations: 2 },
  ),
]);
const runner = new Runner({ appName: 'demo', agent: flow, sessionService: new InMemorySessionService() });
runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'a story' }).subscribe((e) => {
  console.log(
    `${e.branch.padEnd(22)} ${e.author.padEnd(8)} ${textOf(e.content)} ${JSON.stringify(e.actions.stateDelta)}`,
  );
});
void of;
