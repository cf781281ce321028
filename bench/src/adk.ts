/** The workloads on @google/adk 2.0.0: custom BaseAgents through its Runner + InMemorySessionService. */
import {
  BaseAgent,
  BaseLlm,
  type BaseLlmConnection,
  createEvent,
  createEventActions,
  type Event,
  InMemorySessionService,
  type InvocationContext,
  LlmAgent,
  type LlmRequest,
  type LlmResponse,
  LoopAgent,
  ParallelAgent,
  Runner,
  SequentialAgent,
  type Workflow,
} from '@google/adk';
import { STORY_AGENTS, type StoryAgentSpec, storyReply } from './story.js';

type Make = (
  ctx: InvocationContext,
  agent: ScriptAgent,
) => Iterable<{ delta: Record<string, unknown>; escalate?: boolean; text?: string }>;

class ScriptAgent extends BaseAgent {
  constructor(
    name: string,
    private readonly make: Make,
  ) {
    super({ name });
  }
  protected async *runAsyncImpl(ctx: InvocationContext): AsyncGenerator<Event, void, void> {
    for (const e of this.make(ctx, this)) {
      yield createEvent({
        invocationId: ctx.invocationId,
        author: this.name,
        ...(ctx.branch === undefined ? {} : { branch: ctx.branch }),
        ...(e.text === undefined ? {} : { content: { role: 'model', parts: [{ text: e.text }] } }),
        actions: createEventActions({
          stateDelta: e.delta,
          ...(e.escalate === true ? { escalate: true } : {}),
        }),
      });
    }
  }
  protected async *runLiveImpl(): AsyncGenerator<Event, void, void> {}
}

let sessionCounter = 0;

/** As rxagents' systems: `run` is timed, `reset` (untimed) swaps in an empty session service. */
export interface AdkSystem {
  readonly run: () => Promise<number>;
  readonly reset: () => void;
  /** The state of the last run's session. */
  readonly lastState: () => Promise<Readonly<Record<string, unknown>>>;
}

export function runnerFor(
  root: BaseAgent | Workflow,
  sessionService = new InMemorySessionService(),
  state?: Record<string, unknown>,
): AdkSystem {
  let service = sessionService;
  let runner = new Runner({ appName: 'bench', agent: root, sessionService: service });
  let last = '';
  return {
    run: async () => {
      const sessionId = `s${sessionCounter++}`;
      last = sessionId;
      await service.createSession({
        appName: 'bench',
        userId: 'u',
        sessionId,
        ...(state === undefined ? {} : { state }),
      });
      let n = 0;
      for await (const _e of runner.runAsync({
        userId: 'u',
        sessionId,
        newMessage: { role: 'user', parts: [{ text: 'go' }] },
      }))
        n++;
      return n;
    },
    reset: () => {
      service = new InMemorySessionService();
      runner = new Runner({ appName: 'bench', agent: root, sessionService: service });
    },
    lastState: async () =>
      (await service.getSession({ appName: 'bench', userId: 'u', sessionId: last }))?.state ?? {},
  };
}

const nEvents =
  (name: string, n: number): Make =>
  () =>
    Array.from({ length: n }, (_, j) => ({ delta: { [`${name}_${j}`]: j } }));

export const adkW1 = (agents = 100, events = 10) =>
  runnerFor(
    new SequentialAgent({
      name: 'root',
      subAgents: Array.from({ length: agents }, (_, i) => new ScriptAgent(`a${i}`, nEvents(`a${i}`, events))),
    }),
  );

export const adkW2 = (escalateAt = 500) =>
  runnerFor(
    new LoopAgent({
      name: 'loop',
      subAgents: [
        new ScriptAgent('step', (ctx) => {
          const n = ((ctx.session.state.i as number | undefined) ?? 0) + 1;
          return [{ delta: { i: n }, escalate: n >= escalateAt }];
        }),
      ],
    }),
  );

export const adkW3 = (children = 1000) =>
  runnerFor(
    new ParallelAgent({
      name: 'fan',
      subAgents: Array.from({ length: children }, (_, i) => new ScriptAgent(`c${i}`, nEvents(`c${i}`, 1))),
    }),
  );

const writer = (name: string, key: string, value: (ctx: InvocationContext) => string) =>
  new ScriptAgent(name, (ctx) => {
    const v = value(ctx);
    return [{ delta: { [key]: v }, text: v }];
  });

/**
 * StoryFlow's root: generator, refine loop, checks, then the regenerate when the tone is negative,
 * as a custom agent (ADK's own StoryFlow sample does the same).
 */
function storyFlow(generator: BaseAgent, refine: BaseAgent, checks: BaseAgent, regen: BaseAgent): BaseAgent {
  class Flow extends BaseAgent {
    constructor() {
      super({ name: 'flow', subAgents: [generator, refine, checks, regen] });
    }
    protected async *runAsyncImpl(ctx: InvocationContext): AsyncGenerator<Event, void, void> {
      for (const a of [generator, refine, checks]) yield* a.runAsync(ctx);
      if (ctx.session.state.tone_check_result === 'negative') yield* regen.runAsync(ctx);
    }
    protected async *runLiveImpl(): AsyncGenerator<Event, void, void> {}
  }
  return new Flow();
}

/** StoryFlow: the conditional regenerate is a custom agent, as in ADK's own StoryFlow sample. */
export const adkW4 = () => runnerFor(adkW4Root());

/** W4's agent tree (`adkW4` runs it on a fresh session per run; `longSession.ts` on one). */
export const adkW4Root = () => {
  const generator = writer('generator', 'current_story', () => 'Once upon a time, a fox.');
  const critic = writer('critic', 'criticism', (c) => `too short: ${String(c.session.state.current_story)}`);
  const reviser = writer('reviser', 'current_story', (c) => `${String(c.session.state.current_story)} More.`);
  const refine = new LoopAgent({ name: 'refine', subAgents: [critic, reviser], maxIterations: 2 });
  const checks = new ParallelAgent({
    name: 'checks',
    subAgents: [
      writer('grammar', 'grammar_suggestions', () => 'none'),
      writer('tone', 'tone_check_result', () => 'negative'),
    ],
  });
  const regen = writer('regenerator', 'current_story', () => 'A happier fox.');
  return storyFlow(generator, refine, checks, regen);
};

/** W5: one agent writing `events` deltas, each its own key, in one session. */
export const adkW5Long = (events: number) =>
  runnerFor(
    new ScriptAgent('long', function* lazy() {
      for (let j = 0; j < events; j++) yield { delta: { [`k_${j}`]: j } };
    }),
  );

/** W5: many sessions of one small invocation each, all in one session service (as for rxagents). */
export const adkW5Sessions = () => runnerFor(new ScriptAgent('one', nEvents('one', 1)));

/** A fake instant model: one text reply chosen from the request's system instruction. */
class FakeLlm extends BaseLlm {
  constructor(private readonly reply: (instruction: string) => string) {
    super({ model: 'fake-instant' });
  }
  override async *generateContentAsync(request: LlmRequest): AsyncGenerator<LlmResponse, void> {
    const system = request.config?.systemInstruction;
    const instruction = typeof system === 'string' ? system : JSON.stringify(system ?? '');
    yield { content: { role: 'model', parts: [{ text: this.reply(instruction) }] } };
  }
  override connect(): Promise<BaseLlmConnection> {
    return Promise.reject(new Error('no live connection'));
  }
}

/** A chat: one `LlmAgent` on the fake model, answering `reply` to every message (`bench:long`). */
export const adkChatRoot = (instruction: string, reply: string) =>
  new LlmAgent({ name: 'chat', model: new FakeLlm(() => reply), instruction });

/**
 * W4 through ADK's `LlmAgent` (instructions with `{key}` templates, `outputKey`) on the fake
 * model: the same flow and replies as rxagents' `w4Llm`.
 */
export const adkW4Llm = () => {
  const model = new FakeLlm(storyReply);
  const llm = (spec: StoryAgentSpec) =>
    new LlmAgent({ name: spec.name, model, instruction: spec.instruction, outputKey: spec.outputKey });
  const refine = new LoopAgent({
    name: 'refine',
    subAgents: [llm(STORY_AGENTS.critic), llm(STORY_AGENTS.reviser)],
    maxIterations: 2,
  });
  const checks = new ParallelAgent({
    name: 'checks',
    subAgents: [llm(STORY_AGENTS.grammar), llm(STORY_AGENTS.tone)],
  });
  const flow = storyFlow(llm(STORY_AGENTS.generator), refine, checks, llm(STORY_AGENTS.regenerator));
  return runnerFor(flow, new InMemorySessionService(), { topic: 'a fox' });
};
