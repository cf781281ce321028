import {
  agent,
  type BaseAgent,
  InMemorySessionService,
  NothingPendingError,
  pendingRequests,
  ReplayDivergedError,
  RequestAlreadyAnsweredError,
  RequestIdCollisionError,
  Runner,
  type RunRequest,
  requestInput,
  SequentialAgent,
  text,
  textOf,
  UnknownRequestError,
} from '@rxagents/core';
import { concat, lastValueFrom, map, merge, of, timer, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';

const user = { userId: 'u1', sessionId: 's1' };

function harness(flow: () => BaseAgent) {
  const sessions = new InMemorySessionService();
  const runnerFor = (agent: BaseAgent) => new Runner({ appName: 'app', agent, sessionService: sessions });
  const runner = runnerFor(flow());
  const session = () => sessions.getOrCreateSessionSync({ appName: 'app', ...user });
  const run = (request: Omit<RunRequest, 'userId' | 'sessionId'>, r: Runner = runner) =>
    lastValueFrom(r.run({ ...user, ...request }).pipe(toArray()));
  return { runnerFor, runner, session, run };
}

const ask = (name: string, delay = 0) =>
  agent(name, (ctx) =>
    concat(
      delay === 0 ? of(0) : timer(delay),
      requestInput(ctx, { id: 'ok' }).pipe(
        map((a) => ctx.newEvent({ content: text(String(a)), actions: { stateDelta: { [name]: a } } })),
      ),
    ).pipe(map((x) => (typeof x === 'number' ? ctx.newEvent({ content: text('waited') }) : x))),
  );

const flowWith = (first: number) =>
  new SequentialAgent({
    name: 'flow',
    subAgents: [
      agent('first', (ctx) => of(ctx.newEvent({ actions: { stateDelta: { first } } }))),
      ask('ask'),
    ],
  });

describe('human in the loop: bad input', () => {
  it('a replay that diverges from the log is a typed error and commits nothing', async () => {
    const h = harness(() => flowWith(1));
    await h.run({ newMessage: 'go' });
    const [pending] = pendingRequests(h.session());
    const before = [...h.session().events];
    // the code changed between the pause and the resume: `first` now writes 2
    const changed = h.runnerFor(flowWith(2));
    const error = await h.run({ resume: { [pending!.id]: 'yes' } }, changed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplayDivergedError);
    expect(error).toMatchObject({ agent: 'first', field: 'stateDelta' });
    expect(h.session().events).toEqual(before);
    expect(h.session().state.snapshot()).toEqual({ first: 1 });
    expect(pendingRequests(h.session()).map((p) => p.id)).toEqual([pending!.id]);
    // the unchanged flow still resumes
    await h.run({ resume: { [pending!.id]: 'yes' } });
    expect(h.session().state.snapshot()).toEqual({ first: 1, ask: 'yes' });
  });

  it('nothing pending, an unknown id, an id answered before: typed errors naming the request', async () => {
    const h = harness(() => flowWith(1));
    await expect(h.run({ resume: { a: 1 } })).rejects.toMatchObject({
      code: 'NOTHING_PENDING',
      field: 'resume',
    });
    await h.run({ newMessage: 'go' });
    const [pending] = pendingRequests(h.session());
    await expect(h.run({ resume: {} })).rejects.toBeInstanceOf(NothingPendingError);
    await expect(h.run({ resume: { 'inv/x#1': 1 } })).rejects.toMatchObject({
      code: 'UNKNOWN_REQUEST',
      field: 'resume.inv/x#1',
    });
    await h.run({ resume: { [pending!.id]: 1 } });
    const again = await h.run({ resume: { [pending!.id]: 2 } }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(RequestAlreadyAnsweredError);
    expect(again).toMatchObject({ agent: 'flow', field: `resume.${pending!.id}` });
    expect(h.session().state.get('ask')).toBe(1);
  });

  it('two resumes racing for one request: exactly one wins, the other is a typed error', async () => {
    const h = harness(() => new SequentialAgent({ name: 'flow', subAgents: [ask('ask', 5)] }));
    await h.run({ newMessage: 'go' });
    const [pending] = pendingRequests(h.session());
    const results = await Promise.allSettled([
      h.run({ resume: { [pending!.id]: 'a' } }),
      h.run({ resume: { [pending!.id]: 'b' } }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toBeInstanceOf(RequestAlreadyAnsweredError);
    expect(h.session().events.filter((e) => e.actions.inputAnswers !== undefined)).toHaveLength(1);
    // one answer went on: 'waited' once (not stored again by the winner), the request, its answer
    expect(
      h
        .session()
        .events.filter((e) => e.author === 'ask')
        .map((e) => textOf(e.content)),
    ).toEqual(['waited', '', results[0]!.status === 'fulfilled' ? 'a' : 'b']);
  });

  it('two requests of one branch waiting at once under one id collide', async () => {
    const twice = agent('twice', (ctx) =>
      merge(
        requestInput(ctx, { id: 'x', payload: timer(1).pipe(map(() => 'a')) }),
        requestInput(ctx, { id: 'x', payload: timer(1).pipe(map(() => 'b')) }),
      ).pipe(map(() => ctx.newEvent({}))),
    );
    const h = harness(() => twice);
    const error = await h.run({ newMessage: 'go' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestIdCollisionError);
    expect(error).toMatchObject({ agent: 'twice', field: 'requestInput.id' });
    expect(pendingRequests(h.session())).toEqual([]);
  });

  it('answers for two different paused invocations in one resume are refused', async () => {
    const h = harness(() => ask('ask'));
    await h.run({ newMessage: 'one' });
    await h.run({ newMessage: 'two' });
    const [a, b] = pendingRequests(h.session());
    expect(a!.invocationId).not.toBe(b!.invocationId);
    await expect(h.run({ resume: { [a!.id]: 1, [b!.id]: 2 } })).rejects.toBeInstanceOf(UnknownRequestError);
    await h.run({ resume: { [b!.id]: 2 } });
    await h.run({ resume: { [a!.id]: 1 } });
    expect(pendingRequests(h.session())).toEqual([]);
  });
});
