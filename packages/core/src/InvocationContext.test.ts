import { defer, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { runAgent, say } from '../test/helpers.js';
import { text } from './Content.js';
import { agent } from './FunctionAgent.js';
import type { InvocationContext } from './InvocationContext.js';
import { LoopAgent } from './LoopAgent.js';
import { ParallelAgent } from './ParallelAgent.js';
import { SequentialAgent } from './SequentialAgent.js';

describe('InvocationContext', () => {
  it('canSee: parallel siblings are hidden from each other, sequential siblings and ancestors are not', () => {
    const seen: Record<string, string[]> = {};
    const looker = (name: string) =>
      agent(name, (ctx: InvocationContext) =>
        defer(() => {
          seen[name] = ctx.session.events.filter((e) => ctx.canSee(e)).map((e) => `${e.author}@${e.branch}`);
          return of(ctx.newEvent({ content: text(name) }));
        }),
      );
    const fan = new ParallelAgent({
      name: 'fan',
      subAgents: [
        new SequentialAgent({ name: 'left', subAgents: [say('l1'), looker('l2')] }),
        looker('right'),
      ],
    });
    const root = new SequentialAgent({
      name: 'root',
      subAgents: [
        say('intro'),
        new LoopAgent({ name: 'twice', subAgents: [fan], maxIterations: 2 }),
        looker('outro'),
      ],
    });
    runAgent(root);
    // Second iteration: l2 sees its own left branch from both iterations, never `right`.
    expect(seen.l2).toEqual([
      'intro@root.intro',
      'l1@root.twice.fan.left.l1',
      'l2@root.twice.fan.left.l2',
      'l1@root.twice.fan.left.l1',
    ]);
    expect(seen.right).toEqual(['intro@root.intro', 'right@root.twice.fan.right']);
    // Outside the parallel run everything is visible again.
    expect(seen.outro).toHaveLength(7);
  });

  it('derives child contexts without changing the parent', () => {
    const { ctx } = runAgent(say('a'));
    const child = ctx.derive(say('b'), 'x.b');
    expect(child.branch).toBe('x.b');
    expect(ctx.branch).toBe('');
    expect(child.session).toBe(ctx.session);
    child.end();
    expect(child.ended).toBe(true);
    expect(ctx.ended).toBe(false);
  });

  it('consumes an escalation once per invocation, from any context; none is consumed before the first', () => {
    const { ctx } = runAgent(say('a'));
    const escalation = ctx.newEvent({ actions: { escalate: true } });
    const plain = ctx.newEvent({});
    const child = ctx.derive(say('b'), 'b');
    // Nothing consumed yet in this invocation.
    expect(ctx.isUnconsumedEscalation(escalation)).toBe(true);
    expect(child.isUnconsumedEscalation(plain)).toBe(false);
    expect(child.consumeEscalation(escalation)).toBe(true);
    expect(ctx.consumeEscalation(escalation)).toBe(false);
    expect(ctx.isUnconsumedEscalation(escalation)).toBe(false);
    const other = ctx.newEvent({ actions: { escalate: true } });
    expect(child.isUnconsumedEscalation(other)).toBe(true);
  });

  it('an escalation consumed by an inner loop stops it once, every time round an outer loop', () => {
    let rounds = 0;
    const escalate = agent('esc', (ctx) => {
      rounds++;
      return of(ctx.newEvent({ actions: { escalate: true } }));
    });
    const inner = new LoopAgent({ name: 'inner', subAgents: [escalate, say('never')] });
    const outer = new LoopAgent({ name: 'outer', subAgents: [inner, say('after')], maxIterations: 3 });
    const { events } = runAgent(outer);
    expect(rounds).toBe(3);
    expect(events.map((e) => e.author)).toEqual(['esc', 'after', 'esc', 'after', 'esc', 'after']);
  });
});
