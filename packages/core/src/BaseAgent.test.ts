import { concat, defer, EMPTY, map, NEVER, Observable, of, Subject, take, takeWhile } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { blockingCallbacks } from '../test/callbackFixtures.js';
import { collect, rootContext, runAgent, say, trace } from '../test/helpers.js';
import { BaseAgent } from './BaseAgent.js';
import { text, textOf } from './Content.js';
import type { Event } from './Event.js';
import {
  AgentNotFoundError,
  InvalidAgentConfigError,
  InvalidAgentOutputError,
  InvalidStateError,
} from './errors.js';
import { agent } from './FunctionAgent.js';
import type { InvocationContext } from './InvocationContext.js';
import { LoopAgent } from './LoopAgent.js';
import { SequentialAgent } from './SequentialAgent.js';

class Greeter extends BaseAgent {
  constructor(readonly next: BaseAgent) {
    super({ name: 'greeter', subAgents: [next] });
  }
  protected runAsyncImpl(ctx: InvocationContext): Observable<Event> {
    return concat(
      of(ctx.newEvent({ content: text('hi'), actions: { stateDelta: { greeted: true } } })),
      defer(() => (ctx.state.snapshot().greeted === true ? this.next.runAsync(ctx) : EMPTY)),
    );
  }
}

describe('BaseAgent', () => {
  describe('construction', () => {
    it.each(['', '1abc', 'a.b', 'a-b', 'with space'])('rejects the name %j', (name) => {
      const error = thrown(() => say(name));
      expect(error).toBeInstanceOf(InvalidAgentConfigError);
      expect(error).toMatchObject({ field: 'name', code: 'INVALID_AGENT_CONFIG' });
    });

    it("rejects the reserved name 'user'", () => {
      expect(() => say('user')).toThrow(/'user' is reserved/);
    });

    it('rejects duplicate sibling names, naming the parent', () => {
      const error = thrown(() => new SequentialAgent({ name: 'flow', subAgents: [say('a'), say('a')] }));
      expect(error).toMatchObject({ agent: 'flow', field: 'subAgents' });
      expect((error as Error).message).toContain("two sub-agents are named 'a'");
    });

    it('rejects an agent given a second parent and leaves the rejected parent without children', () => {
      const shared = say('shared');
      const other = say('other');
      const first = new SequentialAgent({ name: 'first', subAgents: [shared] });
      const error = thrown(() => new SequentialAgent({ name: 'second', subAgents: [other, shared] }));
      expect(error).toMatchObject({ agent: 'second', field: 'subAgents' });
      expect((error as Error).message).toContain("'shared' already has parent 'first'");
      expect(shared.parentAgent).toBe(first);
      expect(other.parentAgent).toBeUndefined();
    });

    it('links the hierarchy: parentAgent, rootAgent, findAgent', () => {
      const leaf = say('leaf');
      const mid = new SequentialAgent({ name: 'mid', subAgents: [leaf] });
      const root = new SequentialAgent({ name: 'root', subAgents: [say('x'), mid] });
      expect(leaf.parentAgent).toBe(mid);
      expect(leaf.rootAgent).toBe(root);
      expect(root.findAgent('leaf')).toBe(leaf);
      expect(root.findAgent('root')).toBe(root);
      expect(root.findSubAgent('root')).toBeUndefined();
      expect(mid.findAgent('x')).toBeUndefined();
    });
  });

  describe('runAsync', () => {
    it('is cold: nothing runs until subscription, and each subscription runs again', () => {
      let runs = 0;
      const a = agent('a', (ctx) => {
        runs++;
        return of(ctx.newEvent({}));
      });
      const ctx = rootContext(a);
      const events = a.runAsync(ctx);
      expect(runs).toBe(0);
      collect(events);
      collect(events);
      expect(runs).toBe(2);
    });

    it('names branches by appending each level, and stamps author, ids and invocation', () => {
      const { events } = runAgent(new Greeter(say('next')));
      expect(trace(events)).toEqual(['greeter@greeter', 'next@greeter.next']);
      expect(events.map((e) => e.id)).toEqual(['e2', 'e3']);
      expect(new Set(events.map((e) => e.invocationId))).toEqual(new Set(['inv-e1']));
    });

    it('commits a stateDelta before the next event is produced (the commit rule)', () => {
      const { events, session } = runAgent(new Greeter(say('next')));
      expect(events).toHaveLength(2);
      expect(session.state.snapshot()).toEqual({ greeted: true });
      expect(session.events).toEqual(events);
      expect(session.stateAt(0)).toEqual({ greeted: true });
      expect(session.stateAt(-1)).toEqual({});
    });

    it('fails with InvalidAgentOutputError when runAsyncImpl returns no Observable', () => {
      const bad = agent('bad', () => [] as unknown as Observable<Event>);
      const error = thrown(() => runAgent(bad));
      expect(error).toBeInstanceOf(InvalidAgentOutputError);
      expect(error).toMatchObject({ agent: 'bad', field: 'runAsyncImpl' });
    });

    it('fails on an invalid stateDelta and keeps every event committed before it', () => {
      const flow = new SequentialAgent({
        name: 'flow',
        subAgents: [
          say('good', { stateDelta: { ok: 1 } }),
          say('evil', { stateDelta: { constructor: 1 } }),
          say('after'),
        ],
      });
      const ctx = rootContext(flow);
      const seen: Event[] = [];
      let error: unknown;
      flow.runAsync(ctx).subscribe({ next: (e) => seen.push(e), error: (e: unknown) => (error = e) });
      expect(error).toBeInstanceOf(InvalidStateError);
      expect(error).toMatchObject({ agent: 'evil', field: 'constructor' });
      expect(trace(seen)).toEqual(['good@flow.good']);
      expect(ctx.session.events.map((e) => e.author)).toEqual(['good']);
      expect(ctx.session.state.snapshot()).toEqual({ ok: 1 });
    });

    it('rejects a transfer to an agent that is not in the tree', () => {
      const peer = say('peer');
      const asker = say('asker', { transferToAgent: 'nobody' });
      const root = new SequentialAgent({ name: 'root', subAgents: [asker, peer] });
      const error = thrown(() => runAgent(root));
      expect(error).toBeInstanceOf(AgentNotFoundError);
      expect(error).toMatchObject({ agent: 'asker', field: 'transferToAgent', target: 'nobody' });
      expect(() =>
        runAgent(
          new SequentialAgent({ name: 'ok', subAgents: [say('a', { transferToAgent: 'b' }), say('b')] }),
        ),
      ).not.toThrow();
    });

    it('stops a synchronous infinite source when the subscriber takes what it needs', () => {
      const endless = agent(
        'endless',
        (ctx) =>
          new Observable<Event>((subscriber) => {
            for (let i = 0; !subscriber.closed; i++)
              subscriber.next(ctx.newEvent({ content: text(String(i)) }));
          }),
      );
      const ctx = rootContext(endless);
      const events = collect(endless.runAsync(ctx).pipe(takeWhile((e) => textOf(e.content) !== '2')));
      expect(events.map((e) => textOf(e.content))).toEqual(['0', '1']);
      expect(ctx.session.events).toHaveLength(3);
    });

    it('ends only the agent whose context ended, and drops what it produces afterwards', () => {
      const quitter = agent('quitter', (ctx) =>
        concat(
          of(ctx.newEvent({ content: text('before') })),
          defer(() => {
            ctx.end();
            return of(ctx.newEvent({ content: text('after end') }));
          }),
        ),
      );
      const flow = new SequentialAgent({ name: 'flow', subAgents: [quitter, say('next')] });
      const { events } = runAgent(flow);
      expect(events.map((e) => textOf(e.content))).toEqual(['before', 'next']);
    });

    it('stops right after an event that carries endInvocation, emitting it', () => {
      const stopper = agent('stopper', (ctx) =>
        of(
          ctx.newEvent({ content: text('bye'), actions: { endInvocation: true } }),
          ctx.newEvent({ content: text('never') }),
        ),
      );
      const flow = new SequentialAgent({ name: 'flow', subAgents: [stopper, say('next')] });
      expect(runAgent(flow).events.map((e) => textOf(e.content))).toEqual(['bye', 'next']);
    });

    it('stops at once when end() is called while the agent waits', () => {
      const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
      scheduler.run(({ cold, expectObservable }) => {
        let context: InvocationContext | undefined;
        const waiting = agent('waiting', (ctx) => {
          context = ctx;
          return NEVER;
        });
        const ctx = rootContext(waiting, { scheduler });
        cold('---x').subscribe(() => context?.end());
        expectObservable(waiting.runAsync(ctx)).toBe('---|');
      });
    });

    it('tears down everything beneath when unsubscribed', () => {
      const teardowns: string[] = [];
      const hold = (name: string) =>
        agent(name, () => new Observable<Event>(() => () => teardowns.push(name)));
      const flow = new SequentialAgent({ name: 'flow', subAgents: [hold('a'), hold('b')] });
      const sub = flow.runAsync(rootContext(flow)).subscribe();
      sub.unsubscribe();
      expect(teardowns).toEqual(['a']);
    });
  });

  describe('callbacks', () => {
    it('runs before-callbacks in order; the first that returns content replaces the agent', () => {
      const calls: string[] = [];
      const guarded = agent(
        'guarded',
        (ctx) => of(ctx.newEvent({ content: text('body') })),
        blockingCallbacks(calls),
      );
      const { events } = runAgent(guarded);
      expect(calls).toEqual(['first', 'second']);
      expect(events.map((e) => textOf(e.content))).toEqual(['blocked']);
      expect(trace(events)).toEqual(['guarded@guarded']);
    });

    it('turns state written by a callback into a content-less event with the delta', () => {
      const counted = agent(
        'counted',
        (ctx) => of(ctx.newEvent({ content: text(`n=${ctx.state.get('n')}`) })),
        {
          beforeAgentCallback: (cb) => {
            cb.set('n', 1);
          },
          afterAgentCallback: (cb) => {
            cb.set('n', (cb.get('n') as number) + 1);
            return text('done');
          },
        },
      );
      const { events, session } = runAgent(counted);
      expect(
        events.map((e) => [e.content === undefined ? null : textOf(e.content), e.actions.stateDelta]),
      ).toEqual([
        [null, { n: 1 }],
        ['n=1', {}],
        ['done', { n: 2 }],
      ]);
      expect(session.state.get('n')).toBe(2);
    });

    it('accepts callbacks that answer with an Observable or a Promise', async () => {
      const viaObservable = agent('a', (ctx) => of(ctx.newEvent({})), {
        beforeAgentCallback: () => of(text('obs')),
      });
      expect(runAgent(viaObservable).events.map((e) => textOf(e.content))).toEqual(['obs']);
      const viaPromise = agent('b', (ctx) => of(ctx.newEvent({})), {
        afterAgentCallback: async () => text('promise'),
      });
      const ctx = rootContext(viaPromise);
      const events: Event[] = [];
      await new Promise<void>((resolve) =>
        viaPromise.runAsync(ctx).subscribe({ next: (e) => events.push(e), complete: resolve }),
      );
      expect(events.map((e) => textOf(e.content))).toEqual(['', 'promise']);
    });

    it('fails the run when a callback throws, keeping what was committed', () => {
      const flow = new SequentialAgent({
        name: 'flow',
        subAgents: [
          say('first', { stateDelta: { kept: true } }),
          agent('broken', (ctx) => of(ctx.newEvent({})), {
            beforeAgentCallback: () => {
              throw new Error('callback exploded');
            },
          }),
        ],
      });
      const ctx = rootContext(flow);
      expect(() => collect(flow.runAsync(ctx))).toThrow('callback exploded');
      expect(ctx.session.state.snapshot()).toEqual({ kept: true });
    });

    it('a sub-agent whose before-callback ends its context does not stop the enclosing loop', () => {
      let runs = 0;
      const child = agent('child', (ctx) => of(ctx.newEvent({ content: text('child') })), {
        beforeAgentCallback: (cb) => {
          runs++;
          cb.invocation.end();
        },
      });
      const looping = new LoopAgent({
        name: 'looping',
        subAgents: [child, say('sibling')],
        maxIterations: 3,
      });
      const { events } = runAgent(looping);
      expect(runs).toBe(3);
      expect(events.map((e) => e.author)).toEqual(['sibling', 'sibling', 'sibling']);
    });
  });

  describe('pipe', () => {
    it('applies agent operators left to right', () => {
      const names: string[] = [];
      const tag = (label: string) => (source: BaseAgent) => {
        names.push(label);
        return source;
      };
      const a = say('a');
      expect(a.pipe(tag('one'), tag('two'))).toBe(a);
      expect(names).toEqual(['one', 'two']);
    });
  });

  it('re-entrancy: an agent may run itself again through its own context', () => {
    let depth = 0;
    const recursive: BaseAgent = agent('recursive', (ctx) =>
      concat(
        of(ctx.newEvent({ content: text(`depth ${depth}`) })),
        defer(() => (++depth < 3 ? recursive.runAsync(ctx) : EMPTY)),
      ),
    );
    const { events } = runAgent(recursive);
    expect(trace(events)).toEqual([
      'recursive@recursive',
      'recursive@recursive.recursive',
      'recursive@recursive.recursive.recursive',
    ]);
  });

  it('per-run state stays in the subscription: two concurrent runs do not share it', () => {
    const subject = new Subject<void>();
    const counter = agent('counter', (ctx) => {
      let n = 0;
      return subject.pipe(
        take(2),
        map(() => ctx.newEvent({ content: text(String(++n)) })),
      );
    });
    const a: Event[] = [];
    const b: Event[] = [];
    counter.runAsync(rootContext(counter)).subscribe((e) => a.push(e));
    counter.runAsync(rootContext(counter)).subscribe((e) => b.push(e));
    subject.next();
    subject.next();
    expect(a.map((e) => textOf(e.content))).toEqual(['1', '2']);
    expect(b.map((e) => textOf(e.content))).toEqual(['1', '2']);
  });
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
