import { concat, defer, lastValueFrom, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { askYesNo } from '../../../test/support/askYesNo.js';
import { BaseAgent } from './BaseAgent.js';
import { text } from './Content.js';
import type { Event } from './Event.js';
import { agent } from './FunctionAgent.js';
import { InMemorySessionService } from './InMemorySessionService.js';
import { isInputRequest, pendingRequests } from './InputRequest.js';
import type { InvocationContext } from './InvocationContext.js';
import { Runner } from './Runner.js';
import {
  InvalidAnswerError,
  NothingPendingError,
  RequestAlreadyAnsweredError,
  UnknownRequestError,
} from './resumeErrors.js';
import { SequentialAgent } from './SequentialAgent.js';

const user = { userId: 'u1', sessionId: 's1' };

class Approver extends BaseAgent {
  runs = 0;
  constructor() {
    super({ name: 'approver' });
  }
  protected runAsyncImpl(ctx: InvocationContext) {
    return defer(() => {
      this.runs++;
      return concat(
        of(ctx.newEvent({ content: text('drafting'), actions: { stateDelta: { draft: 'v1' } } })),
        askYesNo(ctx, { id: 'ok', prompt: 'approve?', field: 'ok', yes: 'approved', no: 'rejected' }),
      );
    });
  }
}

function setup() {
  const approver = new Approver();
  const after = agent('after', (ctx) =>
    of(ctx.newEvent({ content: text(`after ${String(ctx.state.get('ok'))}`) })),
  );
  const flow = new SequentialAgent({ name: 'flow', subAgents: [approver, after] });
  const sessions = new InMemorySessionService();
  const runner = new Runner({ appName: 'app', agent: flow, sessionService: sessions });
  const session = () => sessions.getOrCreateSessionSync({ appName: 'app', ...user });
  return { approver, runner, session };
}

const run = (o: ReturnType<typeof setup>, request: Parameters<Runner['run']>[0]) =>
  lastValueFrom(o.runner.run(request).pipe(toArray()));

describe('requestInput in a custom agent', () => {
  it('pauses the invocation with a committed request and resumes where it paused', async () => {
    const o = setup();
    const first = await run(o, { ...user, newMessage: 'go' });
    expect(first.map((e) => e.author)).toEqual(['approver', 'approver']);
    const request = first[1]!;
    expect(isInputRequest(request)).toBe(true);
    expect(request.actions.requestInput).toMatchObject({
      kind: 'input',
      payload: { prompt: 'approve?' },
      schema: { type: 'object', properties: { ok: { type: 'boolean' } } },
    });
    const [pending] = pendingRequests(o.session());
    expect(pending?.id).toBe(`${request.invocationId}/flow.approver/ok#1`);

    const resumed = await run(o, { ...user, resume: { [pending!.id]: { ok: true } } });
    expect(resumed.map((e) => [e.author, e.content === undefined ? '' : e.content.parts[0]])).toEqual([
      ['user', ''],
      ['approver', { text: 'approved' }],
      ['after', { text: 'after true' }],
    ]);
    const events = o.session().events;
    expect(events.map((e: Event) => e.author)).toEqual([
      'user',
      'approver',
      'approver',
      'user',
      'approver',
      'after',
    ]);
    expect(o.session().state.snapshot()).toEqual({ draft: 'v1', ok: true });
    expect(pendingRequests(o.session())).toEqual([]);
  });

  it('rejects bad resumes with typed errors and changes nothing', async () => {
    const o = setup();
    await expect(run(o, { ...user, resume: { x: 1 } })).rejects.toBeInstanceOf(NothingPendingError);
    await run(o, { ...user, newMessage: 'go' });
    const [pending] = pendingRequests(o.session());
    const before = o.session().events.length;
    await expect(run(o, { ...user, resume: { nope: 1 } })).rejects.toBeInstanceOf(UnknownRequestError);
    const bad = run(o, { ...user, resume: { [pending!.id]: { ok: 'yes' } } });
    await expect(bad).rejects.toBeInstanceOf(InvalidAnswerError);
    await expect(bad).rejects.toMatchObject({ agent: 'approver', field: `resume.${pending!.id}` });
    expect(o.session().events.length).toBe(before);
    expect(pendingRequests(o.session()).map((p) => p.id)).toEqual([pending!.id]);
    await run(o, { ...user, resume: { [pending!.id]: { ok: false } } });
    await expect(run(o, { ...user, resume: { [pending!.id]: { ok: true } } })).rejects.toBeInstanceOf(
      RequestAlreadyAnsweredError,
    );
    expect(o.session().state.get('ok')).toBe(false);
  });
});
