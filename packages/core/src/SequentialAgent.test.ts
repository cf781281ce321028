import { defer, map, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { rootContext, runAgent, say, sayAfter, trace } from '../test/helpers.js';
import { text, textOf } from './Content.js';
import { agent } from './FunctionAgent.js';
import { SequentialAgent } from './SequentialAgent.js';

describe('SequentialAgent', () => {
  it('completes at once with no sub-agents', () => {
    expect(runAgent(new SequentialAgent({ name: 'empty' })).events).toEqual([]);
  });

  it('runs a single sub-agent on its branch', () => {
    expect(trace(runAgent(new SequentialAgent({ name: 'one', subAgents: [say('a')] })).events)).toEqual([
      'a@one.a',
    ]);
  });

  it('runs many sub-agents in order, each seeing what the previous ones committed', () => {
    const reader = agent('reader', (ctx) =>
      defer(() =>
        of(ctx.newEvent({ content: text(`${ctx.state.get('first')}+${ctx.state.get('second')}`) })),
      ),
    );
    const flow = new SequentialAgent({
      name: 'flow',
      subAgents: [say('a', { stateDelta: { first: 1 } }), say('b', { stateDelta: { second: 2 } }), reader],
    });
    const { events } = runAgent(flow);
    expect(trace(events)).toEqual(['a@flow.a', 'b@flow.b', 'reader@flow.reader']);
    expect(textOf(events[2]?.content)).toBe('1+2');
  });

  it('starts the next sub-agent only when the previous one completed (virtual time)', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ expectObservable }) => {
      const flow = new SequentialAgent({ name: 'flow', subAgents: [sayAfter('a', 5), sayAfter('b', 3)] });
      const ctx = rootContext(flow, { scheduler });
      const authors = flow.runAsync(ctx).pipe(map((e) => e.author));
      expectObservable(authors).toBe('-----a--(b|)');
    });
  });

  it('handles 20,000 instant sub-agents without growing the stack', () => {
    const subs = Array.from({ length: 20_000 }, (_, i) => say(`a${i}`));
    expect(runAgent(new SequentialAgent({ name: 'long', subAgents: subs })).events).toHaveLength(20_000);
  });
});
