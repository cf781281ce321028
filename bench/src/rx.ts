/** The workloads written with @rxagents/core, run through Runner + InMemorySessionService. */
import {
  agent,
  andThen,
  type BaseAgent,
  type Event,
  InMemorySessionService,
  type InvocationContext,
  LoopAgent,
  ParallelAgent,
  Runner,
  SequentialAgent,
  text,
  when,
} from '@rxagents/core';
import { from, lastValueFrom, type Observable, of, toArray } from 'rxjs';

export interface RxSystem {
  readonly run: () => Promise<number>;
}

let sessionCounter = 0;

function runnerFor(root: BaseAgent): RxSystem {
  const sessionService = new InMemorySessionService();
  const runner = new Runner({ appName: 'bench', agent: root, sessionService });
  return {
    run: async () => {
      const events = await lastValueFrom(
        runner.run({ userId: 'u', sessionId: `s${sessionCounter++}`, newMessage: 'go' }).pipe(toArray()),
      );
      return events.length;
    },
  };
}

function emitN(name: string, n: number): (ctx: InvocationContext) => Observable<Event> {
  return (ctx) => {
    const events: Event[] = [];
    for (let j = 0; j < n; j++) {
      events.push(ctx.newEvent({ actions: { stateDelta: { [`${name}_${j}`]: j } } }));
    }
    return from(events);
  };
}

/** Lazily built events (each built when the previous one was committed). */
function emitLazy(name: string, n: number): (ctx: InvocationContext) => Observable<Event> {
  return (ctx) =>
    from(
      (function* gen(): Generator<Event> {
        for (let j = 0; j < n; j++) {
          yield ctx.newEvent({ actions: { stateDelta: { [`${name}_${j}`]: j } } });
        }
      })(),
    );
}

export function w1Workflow(agents = 100, events = 10): RxSystem {
  const subs = Array.from({ length: agents }, (_, i) => agent(`a${i}`, emitLazy(`a${i}`, events)));
  return runnerFor(new SequentialAgent({ name: 'root', subAgents: subs }));
}

export function w1Pipe(agents = 100, events = 10): RxSystem {
  const subs = Array.from({ length: agents }, (_, i) => agent(`a${i}`, emitLazy(`a${i}`, events)));
  const [first, ...rest] = subs;
  if (first === undefined) throw new Error('no agents');
  return runnerFor(first.pipe(...rest.map((a) => andThen(a))));
}

export function w2Workflow(escalateAt = 500): RxSystem {
  const step = agent('step', (ctx) => {
    const n = ((ctx.state.get('i') as number | undefined) ?? 0) + 1;
    return of(
      ctx.newEvent({ actions: { stateDelta: { i: n }, ...(n >= escalateAt ? { escalate: true } : {}) } }),
    );
  });
  return runnerFor(new LoopAgent({ name: 'loop', subAgents: [step] }));
}

export function w3Workflow(children = 1000): RxSystem {
  const subs = Array.from({ length: children }, (_, i) => agent(`c${i}`, emitN(`c${i}`, 1)));
  return runnerFor(new ParallelAgent({ name: 'fan', subAgents: subs }));
}

function writer(name: string, key: string, value: (ctx: InvocationContext) => string) {
  return agent(name, (ctx) =>
    of(ctx.newEvent({ content: text(value(ctx)), actions: { stateDelta: { [key]: value(ctx) } } })),
  );
}

function storyAgents() {
  return {
    generator: writer('generator', 'current_story', () => 'Once upon a time, a fox.'),
    critic: writer('critic', 'criticism', (ctx) => `too short: ${String(ctx.state.get('current_story'))}`),
    reviser: writer('reviser', 'current_story', (ctx) => `${String(ctx.state.get('current_story'))} More.`),
    grammar: writer('grammar', 'grammar_suggestions', () => 'none'),
    tone: writer('tone', 'tone_check_result', () => 'negative'),
    regenerator: writer('regenerator', 'current_story', () => 'A happier fox.'),
  };
}

const isNegative = (s: { readonly [k: string]: unknown }) => s.tone_check_result === 'negative';

export function w4Workflow(): RxSystem {
  const a = storyAgents();
  const refine = new LoopAgent({ name: 'refine', subAgents: [a.critic, a.reviser], maxIterations: 2 });
  const checks = new ParallelAgent({ name: 'checks', subAgents: [a.grammar, a.tone] });
  const main = new SequentialAgent({ name: 'main', subAgents: [a.generator, refine, checks] });
  return runnerFor(main.pipe(when(isNegative, a.regenerator)));
}

export function w4Pipe(): RxSystem {
  const a = storyAgents();
  const refine = new LoopAgent({ name: 'refine', subAgents: [a.critic, a.reviser], maxIterations: 2 });
  const checks = new ParallelAgent({ name: 'checks', subAgents: [a.grammar, a.tone] });
  return runnerFor(a.generator.pipe(andThen(refine), andThen(checks), when(isNegative, a.regenerator)));
}

/** W5: one agent writing `events` deltas, each its own key, in one session. */
export function w5Long(events: number): RxSystem {
  return runnerFor(agent('long', emitLazy('k', events)));
}

/** W5: `sessions` sessions of one small invocation each; returns the service to measure heap. */
export function w5Sessions(): { readonly system: RxSystem; readonly service: InMemorySessionService } {
  const service = new InMemorySessionService();
  const root = agent('one', emitN('one', 1));
  const runner = new Runner({ appName: 'bench', agent: root, sessionService: service });
  return {
    service,
    system: {
      run: async () => {
        const events = await lastValueFrom(
          runner.run({ userId: 'u', sessionId: `s${sessionCounter++}`, newMessage: 'go' }).pipe(toArray()),
        );
        return events.length;
      },
    },
  };
}
