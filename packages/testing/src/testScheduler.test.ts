import { map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { scriptedAgent } from './scriptedAgent.js';
import { testContext } from './testContext.js';
import { testScheduler } from './testScheduler.js';

describe('testScheduler', () => {
  it('runs hand-written marble tests of agents', () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const writer = scriptedAgent('writer', '--w|');
      const ctx = testContext({ agent: writer, scheduler });
      expectObservable(writer.runAsync(ctx).pipe(map((e) => e.author))).toBe('--a|', { a: 'writer' });
    });
  });

  it('fails with the readable diff of assertDeepEqual', () => {
    const scheduler = testScheduler();
    const run = () =>
      scheduler.run(({ expectObservable }) => {
        const writer = scriptedAgent('writer', '--w|');
        const ctx = testContext({ agent: writer, scheduler });
        expectObservable(writer.runAsync(ctx).pipe(map((e) => e.author))).toBe('---a|', { a: 'writer' });
      });
    expect(run).toThrow(/- expected\n\+ actual/);
    expect(run).toThrow(/-\s+\{ frame: 3, notification: \{ kind: 'N', value: 'writer'/);
    expect(run).toThrow(/\+\s+\{ frame: 2, notification: \{ kind: 'N', value: 'writer'/);
  });
});
