import { connect, firstValueFrom, lastValueFrom, map, merge, of, share, timer, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { text, textOf } from '../Content.js';
import { agent } from '../FunctionAgent.js';
import { InMemorySessionService } from '../InMemorySessionService.js';
import { Runner } from '../Runner.js';
import { finalResponses } from './finalResponses.js';
import { stateChanges } from './stateChanges.js';
import { textDeltas } from './textDeltas.js';

// The README's way to consume one run several ways: RxJS's connect over the cold run().
function fixture(delayMs?: number) {
  let runs = 0;
  const writer = agent('writer', (ctx) => {
    runs++;
    const event = () =>
      ctx.newEvent({ content: text('Once upon a time'), actions: { stateDelta: { story: 'fox' } } });
    return delayMs === undefined ? of(event()) : timer(delayMs, ctx.scheduler).pipe(map(event));
  });
  const sessions = new InMemorySessionService();
  const runner = new Runner({ appName: 'app', agent: writer, sessionService: sessions });
  const run$ = runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'a fox' });
  const authors = async () => {
    const session = await firstValueFrom(
      sessions.getSession({ appName: 'app', userId: 'u1', sessionId: 's1' }),
    );
    return session?.events.map((e) => e.author);
  };
  return { run$, runs: () => runs, authors };
}

const threeWays = connect((run$: ReturnType<typeof fixture>['run$']) =>
  merge(
    run$.pipe(
      textDeltas(),
      map((d) => `text ${d.text}`),
    ),
    run$.pipe(
      stateChanges(),
      map((c) => `state ${Object.keys(c.delta).join()}`),
    ),
    run$.pipe(
      finalResponses(),
      map((e) => `final ${textOf(e.content)}`),
    ),
  ),
);

describe('one run consumed several ways with connect', () => {
  for (const [name, delay] of [
    ['a flow that completes synchronously', undefined],
    ['a flow that takes time', 5],
  ] as const) {
    it(`runs the agent once and gives every branch every event: ${name}`, async () => {
      const f = fixture(delay);
      const seen = await lastValueFrom(f.run$.pipe(threeWays, toArray()));
      expect(f.runs()).toBe(1);
      expect(await f.authors()).toEqual(['user', 'writer']);
      expect(seen).toEqual(['text Once upon a time', 'state story', 'final Once upon a time']);
    });
  }

  it('share() + merge runs a synchronous flow twice (why the README uses connect)', async () => {
    const f = fixture();
    const shared = f.run$.pipe(share());
    await lastValueFrom(merge(shared.pipe(textDeltas()), shared.pipe(finalResponses())).pipe(toArray()));
    expect(f.runs()).toBe(2);
    expect(await f.authors()).toEqual(['user', 'writer', 'user', 'writer']);
  });
});
