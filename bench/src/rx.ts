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
import { LlmAgent, type LlmResponse, type Model } from '@rxagents/llm';
import { from, lastValueFrom, type Observable, type Observer, of } from 'rxjs';
import type { SessionsSystem, SessionView } from './manySessions.js';
import { STORY_AGENTS, type StoryAgentSpec } from './story.js';

/**
 * One system on one workload: `run` is timed; `reset` (untimed, between samples) swaps in an empty
 * session service, so that the sessions of earlier samples do not pile up on the heap.
 */
export interface RxSystem {
  readonly run: () => Promise<number>;
  readonly reset: () => void;
  /** The state of the last run's session (to check that every system ends in the same state). */
  readonly lastState: () => Promise<Readonly<Record<string, unknown>>>;
  /** The events of the last run's session, the user's first. */
  readonly lastEvents: () => Promise<readonly Event[]>;
  /** Every session of the current service: its events and state (W5's end-state check). */
  readonly sessions: () => Promise<readonly SessionView[]>;
}

let sessionCounter = 0;

// Every rxagents system's sessions live under one app and user.
const appName = 'bench';
const userId = 'u';
const sessionKey = (sessionId: string) => ({ appName, userId, sessionId });

/**
 * The observer of one run: counts the events, settles the run's promise. A class, not closures
 * made per run: tsx names every closure it compiles (a `defineProperty` each time one is made), a
 * cost the floor's runs, which make none, would not share.
 */
export class Counting implements Observer<Event> {
  private n = 0;
  constructor(
    private readonly resolve: (n: number) => void,
    readonly error: (error: unknown) => void,
  ) {}
  next(): void {
    this.n++;
  }
  complete(): void {
    this.resolve(this.n);
  }
}

export function runnerFor(root: BaseAgent, stateDelta?: Record<string, string>): RxSystem {
  const fresh = () => new Runner({ appName, agent: root, sessionService: new InMemorySessionService() });
  let runner = fresh();
  let last = '';
  const lastSession = () => lastValueFrom(runner.sessionService.getSession(sessionKey(last)));
  return {
    run: async () => {
      const sessionId = `s${sessionCounter++}`;
      last = sessionId;
      // Without a spread per run (the floor's runs build nothing conditionally).
      const request: {
        userId: string;
        sessionId: string;
        newMessage: string;
        stateDelta?: Record<string, string>;
      } = { userId, sessionId, newMessage: 'go' };
      if (stateDelta !== undefined) request.stateDelta = stateDelta;
      // Counted, not collected: the floor and ADK count their events too (bench/README.md, Method).
      return new Promise<number>((resolve, reject) => {
        runner.run(request).subscribe(new Counting(resolve, reject));
      });
    },
    reset: () => {
      runner = fresh();
    },
    lastState: async () => (await lastSession())?.state.snapshot() ?? {},
    lastEvents: async () => (await lastSession())?.events ?? [],
    sessions: async () => {
      const service = runner.sessionService;
      const listed = await lastValueFrom(service.listSessions({ appName, userId }));
      const views: SessionView[] = [];
      for (const { sessionId } of listed) {
        const session = await lastValueFrom(service.getSession(sessionKey(sessionId)));
        if (session !== undefined)
          views.push({ events: session.events.length, state: session.state.snapshot() });
      }
      return views;
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
      (function* (): Generator<Event> {
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
    // `escalate` written as the floor writes it (no spread of a conditional literal per iteration).
    return of(ctx.newEvent({ actions: { stateDelta: { i: n }, escalate: n >= escalateAt } }));
  });
  return runnerFor(new LoopAgent({ name: 'loop', subAgents: [step] }));
}

/** W3's agent: a fan-out of `children` agents, one event with one key each. */
export function w3Root(children = 1000): BaseAgent {
  const subs = Array.from({ length: children }, (_, i) => agent(`c${i}`, emitN(`c${i}`, 1)));
  return new ParallelAgent({ name: 'fan', subAgents: subs });
}

export function w3Workflow(children = 1000): RxSystem {
  return runnerFor(w3Root(children));
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

/** W4's agent: StoryFlow with workflow agents (generate, refine twice, two checks, regenerate). */
export function w4Root(): BaseAgent {
  const a = storyAgents();
  const refine = new LoopAgent({ name: 'refine', subAgents: [a.critic, a.reviser], maxIterations: 2 });
  const checks = new ParallelAgent({ name: 'checks', subAgents: [a.grammar, a.tone] });
  const main = new SequentialAgent({ name: 'main', subAgents: [a.generator, refine, checks] });
  return main.pipe(when(isNegative, a.regenerator));
}

export function w4Workflow(): RxSystem {
  return runnerFor(w4Root());
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

/** W5: one session of one small invocation per run, all kept in one session service. */
export function w5Sessions(): SessionsSystem {
  // Never reset: the sessions pile up in the one service, which is what W5 measures.
  return runnerFor(agent('one', emitN('one', 1)));
}

/** A fake instant model (as ADK's fake `BaseLlm`): the asking story agent's reply. */
const instantModel: Model = {
  name: 'fake-instant',
  generate: (request) => {
    const spec = Object.values(STORY_AGENTS).find((s) => s.name === request.agentName);
    const response: LlmResponse = { content: { role: 'model', parts: [{ text: spec?.reply ?? '' }] } };
    return of(response);
  },
};

/** A chat: one `LlmAgent` on a fake instant model, answering `reply` to every message (`bench:long`). */
export function chatRoot(instruction: string, reply: string): BaseAgent {
  const response: LlmResponse = { content: { role: 'model', parts: [{ text: reply }] } };
  const model: Model = { name: 'fake-instant', generate: () => of(response) };
  return new LlmAgent({ name: 'chat', model, instruction });
}

/**
 * W4 through `LlmAgent` (instructions with `{key}` templates, `outputKey`) on the fake instant
 * model: the same flow, instructions and replies as ADK's `adkW4Llm` (`story.ts`).
 */
export function w4Llm(): RxSystem {
  const llm = (spec: StoryAgentSpec) =>
    new LlmAgent({
      name: spec.name,
      model: instantModel,
      instruction: spec.instruction,
      outputKey: spec.outputKey,
    });
  const refine = new LoopAgent({
    name: 'refine',
    subAgents: [llm(STORY_AGENTS.critic), llm(STORY_AGENTS.reviser)],
    maxIterations: 2,
  });
  const checks = new ParallelAgent({
    name: 'checks',
    subAgents: [llm(STORY_AGENTS.grammar), llm(STORY_AGENTS.tone)],
  });
  const main = new SequentialAgent({
    name: 'main',
    subAgents: [llm(STORY_AGENTS.generator), refine, checks],
  });
  return runnerFor(main.pipe(when(isNegative, llm(STORY_AGENTS.regenerator))), { topic: 'a fox' });
}

/**
 * An `LlmAgent` whose fake instant model calls one tool ten times, then answers: the request
 * build over a history that grows within the run (the ADK comparison's "loop of ten tool calls").
 */
export function llmToolLoop(calls = 10): RxSystem {
  const model: Model = {
    name: 'fake-tool-loop',
    generate: (request) => {
      const answered = request.contents.filter((c) => c.parts.some((p) => 'functionResponse' in p)).length;
      const response: LlmResponse =
        answered < calls
          ? { content: { role: 'model', parts: [{ functionCall: { name: 'ping', args: { n: answered } } }] } }
          : { content: { role: 'model', parts: [{ text: 'done' }] } };
      return of(response);
    },
  };
  const ping = {
    name: 'ping',
    description: 'answers pong',
    declaration: { name: 'ping', description: 'answers pong', parameters: { type: 'object' } },
    run: () => of({ pong: true }),
  };
  return runnerFor(new LlmAgent({ name: 'looper', model, tools: [ping], outputKey: 'answer' }));
}
