// The bad-input catalogue (issue 15 §1 and §3): each bad input is a typed RxAgentsError naming the
// agent (or tool) and the field, raised before anything is committed, the session as it was.
import {
  agent,
  andThen,
  type BaseAgent,
  type Event,
  InMemorySessionService,
  InvalidAgentConfigError,
  InvalidAgentOutputError,
  InvalidRequestError,
  InvalidStateError,
  type JsonValue,
  Runner,
  type RunRequest,
  RxAgentsError,
  retry,
  type Session,
  StateStore,
  sequence,
  text,
  textOf,
  timeout,
  when,
} from '@rxagents/core';
import { functionTool, InvalidToolConfigError, LlmAgent, type LlmResponse, type Model } from '@rxagents/llm';
import { defer, firstValueFrom, lastValueFrom, type Observable, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const KEY = { appName: 'app', userId: 'u1', sessionId: 's1' };

// A fresh service holding one session with some state, and a runner over it.
function setup(root: BaseAgent): { runner: Runner; service: InMemorySessionService; session: Session } {
  const service = new InMemorySessionService();
  const session = service.getOrCreateSessionSync(KEY);
  session.state.apply({ kept: 1 });
  return { runner: new Runner({ appName: 'app', agent: root, sessionService: service }), service, session };
}

async function failure(events: Observable<unknown>): Promise<unknown> {
  return lastValueFrom(events.pipe(toArray())).then(
    () => {
      throw new Error('expected the run to fail');
    },
    (error: unknown) => error,
  );
}

// Runs `root` once on a session holding `{ kept: 1 }` and no events; returns the error and
// asserts the session is unchanged (no event, the same state).
async function rejected(root: BaseAgent, request: Partial<RunRequest> = {}): Promise<RxAgentsError> {
  const { runner, service } = setup(root);
  const error = await failure(runner.run({ userId: 'u1', sessionId: 's1', ...request }));
  const after = await firstValueFrom(service.getSession(KEY));
  expect(after?.events).toEqual([]);
  expect(after?.state.snapshot()).toEqual({ kept: 1 });
  expect(error).toBeInstanceOf(RxAgentsError);
  return error as RxAgentsError;
}

// An agent that emits one value, as a hand-written agent might.
const emits = (name: string, make: (ctx: Parameters<Parameters<typeof agent>[1]>[0]) => unknown) =>
  agent(name, (ctx) => of(make(ctx) as Event));

function nested(depth: number, leaf: JsonValue = 1): JsonValue {
  let value: JsonValue = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

// A model answering the first call with `first`, then plain text.
function model(first: () => unknown): Model & { calls: number } {
  const m = {
    name: 'fake',
    calls: 0,
    generate(): Observable<LlmResponse> {
      m.calls++;
      return (m.calls === 1 ? first() : of({ content: text('done') })) as Observable<LlmResponse>;
    },
  };
  return m;
}

describe('bad input: stateDelta must be a plain object of own keys', () => {
  it('rejects a delta with inherited keys (Object.create) at the commit', async () => {
    const error = await rejected(
      emits('w', (ctx) => ctx.newEvent({ actions: { stateDelta: Object.create({ smuggled: 1 }) } })),
    );
    expect(error).toBeInstanceOf(InvalidStateError);
    expect(error).toMatchObject({ agent: 'w', field: 'stateDelta' });
    expect(error.message).toContain("Agent 'w': stateDelta");
  });

  it('rejects an inherited app: key of function type, and the app stays usable', async () => {
    const delta = Object.create({ 'app:f': () => 1 });
    const { runner, service } = setup(emits('w', (ctx) => ctx.newEvent({ actions: { stateDelta: delta } })));
    expect(await failure(runner.run({ userId: 'u1', sessionId: 's1' }))).toBeInstanceOf(InvalidStateError);
    const other = await firstValueFrom(service.createSession({ appName: 'app', userId: 'u2' }));
    expect(other.state.snapshot()).toEqual({});
  });

  it.each([
    ['a string', 'abc'],
    ['an array', ['x']],
    ['a number', 42],
    ['null', null],
  ])('rejects %s as an event delta (nothing written, no keys "0", "1"…)', async (_label, stateDelta) => {
    const error = await rejected(
      emits('w', (ctx) => ctx.newEvent({ actions: { stateDelta: stateDelta as never } })),
    );
    expect(error).toBeInstanceOf(InvalidAgentOutputError);
    expect(error).toMatchObject({ agent: 'w', field: 'event.actions.stateDelta' });
    expect(error.message).toContain("Agent 'w': event.actions.stateDelta: must be a plain object");
  });

  it.each([
    ['with inherited keys', Object.create({ x: 1 })],
    ['a string', 'abc'],
    ['null', null],
  ])('rejects a request stateDelta %s with InvalidRequestError', async (_label, stateDelta) => {
    const error = await rejected(
      agent('root', () => of()),
      { stateDelta: stateDelta as never },
    );
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', agent: 'root', field: 'stateDelta' });
    expect(error.message).toContain("Agent 'root': request.stateDelta");
  });

  it('StateStore.apply and new StateStore reject a non-plain delta without writing', () => {
    const store = new StateStore({ a: 1 });
    for (const bad of [Object.create({ b: 2 }), 'bc', [1]]) {
      expect(() => store.apply(bad as never, 'w')).toThrow(InvalidStateError);
    }
    expect(() => new StateStore('xy' as never)).toThrow(InvalidStateError);
    expect(store.version).toBe(0);
    expect(store.snapshot()).toEqual({ a: 1 });
  });

  it('the in-memory service rejects a hand-made event with inherited app: keys before routing it', async () => {
    const service = new InMemorySessionService();
    const session = service.getOrCreateSessionSync(KEY);
    const event: Event = {
      id: 'e1',
      invocationId: 'i',
      author: 'hand',
      branch: 'hand',
      timestamp: 0,
      actions: { stateDelta: Object.create({ 'app:x': 1 }) },
    };
    expect(() => service.appendEventSync(session, event)).toThrow(InvalidStateError);
    await expect(
      firstValueFrom(service.createSession({ appName: 'app', userId: 'u', state: 'st' as never })),
    ).rejects.toThrow(InvalidStateError);
    expect(session.events).toEqual([]);
    expect(service.getOrCreateSessionSync({ ...KEY, sessionId: 's2' }).state.snapshot()).toEqual({});
  });

  it.each([
    ['alone', {}],
    ['with outputSchema', { outputSchema: z.object({ a: z.string() }) }],
  ])("rejects outputKey '__proto__' %s when the LlmAgent is built", (_label, extra) => {
    const build = () =>
      new LlmAgent({ name: 'writer', model: model(() => of()), outputKey: '__proto__', ...extra });
    expect(build).toThrow(InvalidAgentConfigError);
    expect(build).toThrow("Agent 'writer': outputKey: '__proto__' is reserved");
  });

  it("makes tool.set('__proto__', …) throw InvalidStateError instead of dropping the write", async () => {
    let thrown: unknown;
    const tool = functionTool({
      name: 'poison',
      description: 'writes a reserved key',
      parameters: z.object({}),
      execute: (_args, ctx) => {
        try {
          ctx.set('__proto__', { polluted: true });
        } catch (error) {
          thrown = error;
        }
        return { ok: true };
      },
    });
    const llm = new LlmAgent({
      name: 'caller',
      tools: [tool],
      model: model(() =>
        of({ content: { role: 'model', parts: [{ functionCall: { name: 'poison', args: {} } }] } }),
      ),
    });
    const { runner, service } = setup(llm);
    await lastValueFrom(runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }).pipe(toArray()));
    expect(thrown).toBeInstanceOf(InvalidStateError);
    expect(thrown).toMatchObject({ agent: 'caller', field: '__proto__' });
    expect((await firstValueFrom(service.getSession(KEY)))?.state.snapshot()).toEqual({ kept: 1 });
  });
});

describe('bad input: the shape of every event is checked at the commit', () => {
  it.each([
    ['a non-Event value', () => 42, 'event'],
    ['an Event-less object', () => ({}), 'event.id'],
    [
      'content.parts not an array',
      (ctx) => ctx.newEvent({ content: { role: 'model', parts: 'x' } as never }),
      'event.content.parts',
    ],
    [
      'a part that is no part',
      (ctx) => ctx.newEvent({ content: { role: 'model', parts: [{ foo: 1 }] } as never }),
      'event.content.parts[0]',
    ],
    [
      'a text part whose text is a number',
      (ctx) => ctx.newEvent({ content: { role: 'model', parts: [{ text: 3 }] } as never }),
      'event.content.parts[0].text',
    ],
    ['errorCode not a string', (ctx) => ctx.newEvent({ errorCode: 5 as never }), 'event.errorCode'],
    ['partial not a boolean', (ctx) => ctx.newEvent({ partial: 'yes' as never }), 'event.partial'],
    [
      'escalate not a boolean',
      (ctx) => ctx.newEvent({ actions: { escalate: 'yes' as never } }),
      'event.actions.escalate',
    ],
  ] as const satisfies readonly (readonly [
    string,
    (ctx: Parameters<Parameters<typeof agent>[1]>[0]) => unknown,
    string,
  ])[])('rejects %s with InvalidAgentOutputError naming the agent and field', async (_label, make, field) => {
    const error = await rejected(sequence('root', [emits('bad', make)]));
    expect(error).toBeInstanceOf(InvalidAgentOutputError);
    expect(error).toMatchObject({ code: 'INVALID_AGENT_OUTPUT', agent: 'bad', field });
    expect(error.message).toContain(`Agent 'bad': ${field}:`);
  });

  it('cannot be bypassed by re-emitting a hand-made object through an enclosing agent', async () => {
    const forged = {
      id: 'x',
      invocationId: 'i',
      author: 'a',
      branch: 'a',
      timestamp: 0,
      actions: { stateDelta: {} },
      partial: 1,
    };
    const error = await rejected(sequence('root', [agent('inner', () => of(forged as unknown as Event))]));
    expect(error).toMatchObject({ agent: 'inner', field: 'event.partial' });
  });

  it.each([
    ['42', 42, 'newMessage'],
    ['parts not an array', { role: 'user', parts: 'hi' }, 'newMessage.parts'],
    ['a part that is no part', { role: 'user', parts: [null] }, 'newMessage.parts[0]'],
  ])(
    'rejects newMessage %s with InvalidRequestError before the session is touched',
    async (_l, newMessage, field) => {
      const error = await rejected(
        agent('root', () => of()),
        { newMessage: newMessage as never },
      );
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error).toMatchObject({ agent: 'root', field });
      expect(error.message).toContain(`Agent 'root': request.${field}:`);
    },
  );

  it('rejects resume without an invocationId with InvalidRequestError', async () => {
    const error = await rejected(
      agent('root', () => of()),
      { resume: true },
    );
    expect(error).toMatchObject({ code: 'INVALID_REQUEST', agent: 'root', field: 'resume' });
  });
});

describe('bad input: nesting is limited to 64 levels, checked without recursion', () => {
  const writes = (value: JsonValue) =>
    emits('deep', (ctx) => ctx.newEvent({ actions: { stateDelta: { v: value } } }));

  it('commits a state value nested exactly 64 levels deep', async () => {
    const { runner, session } = setup(writes(nested(64)));
    await lastValueFrom(runner.run({ userId: 'u1', sessionId: 's1' }).pipe(toArray()));
    expect(session.state.get('v')).toEqual(nested(64));
  });

  it.each([65, 100_000])('rejects a state value nested %i levels with InvalidStateError', async (levels) => {
    const error = await rejected(writes(nested(levels)));
    expect(error).toBeInstanceOf(InvalidStateError);
    expect(error.agent).toBe('deep');
    expect(error.message).toContain('nested deeper than 64 levels');
    expect((error as InvalidStateError).key).toBe('v');
  });

  it('rejects function-call arguments nested past the limit before they are committed; the next turn works', async () => {
    const call = (levels: number) => () =>
      of({
        content: {
          role: 'model',
          parts: [{ functionCall: { name: 'echo', args: { x: nested(levels - 1) } } }],
        },
      });
    const echo = functionTool({
      name: 'echo',
      description: 'echoes',
      parameters: z.object({ x: z.unknown() }),
      execute: () => ({ ok: true }),
    });
    for (const levels of [65, 100_000]) {
      const llm = new LlmAgent({ name: 'caller', tools: [echo], model: model(call(levels)) });
      const { runner, session } = setup(llm);
      const error = await failure(runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }));
      expect(error).toBeInstanceOf(InvalidAgentOutputError);
      expect(error).toMatchObject({
        agent: 'caller',
        field: expect.stringMatching(/^event\.content\.parts\[0\]\.functionCall\.args\.x(\.a)+$/),
      });
      expect(session.events.map((e) => e.author)).toEqual(['user']);
      // The session stays readable: the next turn builds its history and answers.
      const next = await lastValueFrom(
        runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'again' }).pipe(toArray()),
      );
      expect(textOf(next.at(-1)?.content)).toBe('done');
    }
    const ok = new LlmAgent({ name: 'caller', tools: [echo], model: model(call(64)) });
    const { runner, session } = setup(ok);
    await lastValueFrom(runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }).pipe(toArray()));
    expect(session.events.map((e) => e.author)).toEqual(['user', 'caller', 'caller', 'caller']);
  });
});

describe('bad input: getSession is a pure read', () => {
  it('a poller calling getSession mid-run does not wipe temp: state; temp: is gone after the run', async () => {
    const service = new InMemorySessionService();
    const seen: JsonValue[] = [];
    const writer = emits('writer', (ctx) =>
      ctx.newEvent({ actions: { stateDelta: { 'temp:scratch': 'draft' } } }),
    );
    const reader = agent('reader', (ctx) =>
      defer(() => {
        // A UI polling the session between two agents of the run.
        service.getSession(KEY).subscribe();
        seen.push(ctx.state.get('temp:scratch') ?? null);
        return of(ctx.newEvent({ content: text('read') }));
      }),
    );
    const runner = new Runner({
      appName: 'app',
      agent: sequence('root', [writer, reader]),
      sessionService: service,
    });
    await lastValueFrom(runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }).pipe(toArray()));
    expect(seen).toEqual(['draft']);
    const after = await firstValueFrom(service.getSession(KEY));
    expect(after?.state.has('temp:scratch')).toBe(false);
    expect(after?.events).toHaveLength(3);
  });
});

describe('bad input: smaller gaps (§3)', () => {
  it("functionTool({ name: 'bad name' }) is an InvalidToolConfigError naming the tool and field", () => {
    const build = () =>
      functionTool({ name: 'bad name', description: 'x', parameters: z.object({}), execute: () => ({}) });
    expect(build).toThrow(InvalidToolConfigError);
    expect(build).toThrow("Tool 'bad name': name:");
    expect(() => build()).toThrow(
      expect.objectContaining({ code: 'INVALID_AGENT_CONFIG', tool: 'bad name', field: 'name' }),
    );
  });

  it.each([
    ['null', () => null],
    ['a Promise', () => Promise.resolve({ content: text('x') })],
  ])(
    'a Model.generate() returning %s is an InvalidAgentOutputError naming the agent',
    async (_l, generate) => {
      const llm = new LlmAgent({ name: 'writer', model: { name: 'broken', generate: generate as never } });
      const { runner, session } = setup(llm);
      const error = await failure(runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'go' }));
      expect(error).toBeInstanceOf(InvalidAgentOutputError);
      expect(error).toMatchObject({ agent: 'writer', field: "model 'broken'.generate" });
      expect(session.events.map((e) => e.author)).toEqual(['user']);
    },
  );

  it.each([
    ['timeout({})', () => timeout({} as never), 'timeout'],
    ['timeout(null)', () => timeout(null as never), 'timeout'],
    ['timeout({ total: -1 })', () => timeout({ total: -1 }), 'timeout.total'],
    ['retry(null)', () => retry(null as never), 'retry'],
    ['andThen(undefined)', () => andThen(undefined as never), 'andThen'],
    [
      'when("x", …)',
      () =>
        when(
          'x' as never,
          agent('b', () => of()),
        ),
      'when.predicate',
    ],
  ])('%s is an InvalidAgentConfigError naming the agent and field', (_l, op, field) => {
    const source = agent('src', () => of());
    expect(() => source.pipe(op())).toThrow(InvalidAgentConfigError);
    expect(() => source.pipe(op())).toThrow(expect.objectContaining({ agent: 'src', field }));
  });
});
