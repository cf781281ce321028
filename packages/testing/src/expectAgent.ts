// The fluent assertions of one recorded run; each assertion is short, and they share the recording
// and the failure formatting, so they stay in one class.
import { type BaseAgent, type JsonValue, pendingRequests } from '@rxagents/core';
import { type AssertDeepEqual, assertDeepEqual } from './assertDeepEqual.js';
import { type ExpectedEvent, eventView, expectedView } from './eventView.js';
import type { ExpectedError, ExpectedRequest, TimelineEntry } from './expectedOutcomes.js';
import { errorView, marksOf } from './internal/outcomeViews.js';
import { parseMarble } from './internal/parseMarble.js';
import { listFrames, renderMarble } from './internal/renderMarble.js';
import { pick, requestIdOf } from './internal/requestKeys.js';
import { type AgentRecording, type RecordOptions, recordAgent } from './recordAgent.js';

/**
 * Options of {@link expectAgent}: those of {@link recordAgent} and the comparison to use.
 *
 * @example
 * ```ts
 * expectAgent(flow, { state: { topic: 'fox' }, userContent: 'go', assertDeepEqual: (a, b) => expect(a).toEqual(b) });
 * ```
 */
export type ExpectAgentOptions = RecordOptions & {
  /**
   * How values are compared. Default {@link assertDeepEqual} (readable diff, any runner); pass
   * `(a, b) => expect(a).toEqual(b)` to get your runner's diff. Either way the failure message
   * starts with the assertion and, for `toEmit`, the expected and actual marble diagrams.
   */
  readonly assertDeepEqual?: AssertDeepEqual;
};

/**
 * Fluent assertions on one run of an agent in virtual time; made by {@link expectAgent}.
 *
 * The agent runs once, at the first assertion, so configure the subscription first
 * (`unsubscribeAt`, `withSubscription`); every assertion returns `this` for chaining.
 *
 * @example
 * ```ts
 * import { type ExpectedEvent, expectAgent, scriptedAgent } from '@rxagents/testing';
 *
 * const writer = scriptedAgent('writer', '--d-e', { d: 'draft', e: 'second draft' });
 * const d: ExpectedEvent = { branch: 'writer', content: 'draft' };
 * // Cancelled at frame 3: the second draft never comes, and no timer is left behind.
 * expectAgent(writer).unsubscribeAt('---!').toEmit('--d', { d }).toHaveCommitted([d]).toHaveNoPendingTimers();
 * ```
 */
export class AgentExpectation {
  private run: AgentRecording | undefined;
  private subscription: string | undefined;
  private readonly assert: AssertDeepEqual;

  /** @internal use {@link expectAgent} */
  constructor(
    readonly agent: BaseAgent,
    private readonly options: ExpectAgentOptions,
  ) {
    this.assert = options.assertDeepEqual ?? assertDeepEqual;
    this.subscription = options.subscription;
  }

  /**
   * Unsubscribes at the `!` of a marble (`'--!'`; a `^` sets the subscription frame), to test
   * cancellation. Call before the first assertion.
   * @example
   * ```ts
   * expectAgent(flow).unsubscribeAt('---!').toEmit('--a').toHaveNoPendingTimers();
   * ```
   */
  unsubscribeAt(marble: string): this {
    if (!marble.includes('!')) throw new Error(`unsubscribeAt('${marble}'): the marble needs a '!'`);
    return this.withSubscription(marble);
  }

  /**
   * Subscribes (and unsubscribes) as a subscription marble says: `'--^'`, `'^---!'`.
   * Frames of expected marbles stay absolute (counted from 0), as in `expectObservable`.
   *
   * @example
   * ```ts
   * expectAgent(writer).withSubscription('---^--!').toEmit('-----w', { w });
   * ```
   */
  withSubscription(marble: string): this {
    if (this.run !== undefined) {
      throw new Error(`expectAgent(${this.agent.name}): set the subscription before the first assertion`);
    }
    this.subscription = marble;
    return this;
  }

  /**
   * The recorded run (runs the agent if no assertion did yet).
   *
   * @example
   * ```ts
   * expect(expectAgent(flow).recording.events).toHaveLength(2);
   * ```
   */
  get recording(): AgentRecording {
    this.run ??= recordAgent(this.agent, {
      ...this.options,
      ...(this.subscription === undefined ? {} : { subscription: this.subscription }),
    } as RecordOptions);
    return this.run;
  }

  /**
   * Asserts the emitted events and their frames, as a marble diagram over expected events
   * (authors, branches, content, state deltas, flags; ids and timestamps only when given).
   * @example
   * ```ts
   * expectAgent(flow).toEmit('--a--(b|)', {
   *   a: { branch: 'flow.writer', content: 'draft', stateDelta: { draft: 'v1' } },
   *   b: { branch: 'flow.critic', content: 'fine' },
   * });
   * ```
   * @param marble expected timeline (run mode: 1 character = 1 ms)
   * @param values the expected event of each character
   * @param error what `#` must match; default: any error
   */
  toEmit(marble: string, values: Readonly<Record<string, ExpectedEvent>> = {}, error?: ExpectedError): this {
    const parsed = parseMarble<ExpectedEvent>(marble, values, error);
    const expected: TimelineEntry[] = [];
    const specs: (ExpectedEvent | undefined)[] = [];
    let errorSpec: ExpectedError | undefined;
    for (const { frame, notification } of parsed) {
      if (notification.kind === 'N') {
        const spec = notification.value;
        if (typeof spec === 'string') {
          throw new Error(`toEmit('${marble}'): no expected event for '${spec}' in the values`);
        }
        specs.push(spec);
        expected.push({ frame, next: expectedView(spec) });
      } else if (notification.kind === 'E') {
        errorSpec = error;
        expected.push({ frame, error: error === undefined ? true : errorView(error, error) });
      } else {
        expected.push({ frame, complete: true });
      }
    }
    const run = this.recording;
    let index = 0;
    const actual: TimelineEntry[] = run.notifications.map(({ frame, notification }) => {
      if (notification.kind === 'N') return { frame, next: eventView(notification.value, specs[index++]) };
      if (notification.kind === 'E') {
        return {
          frame,
          error:
            errorSpec === undefined && expected.some((e) => 'error' in e)
              ? true
              : errorView(notification.error, errorSpec),
        };
      }
      return { frame, complete: true };
    });
    const marks = marksOf(run.notifications, values);
    const drawn = renderMarble(marks);
    const marbles =
      `  expected  ${marble.trim()}\n  actual    ${drawn.marble}` +
      (drawn.exact ? '' : `\n  (actual frames, closer than a marble can draw: ${listFrames(marks)})`);
    this.check(`toEmit('${marble}')`, actual, expected, marbles);
    return this;
  }

  /**
   * Asserts the session's committed event log after the run (partial events are never in it;
   * the user's event is, when `userContent` was given).
   * @example
   * ```ts
   * expectAgent(flow, { userContent: 'go' }).toHaveCommitted([
   *   { author: 'user', branch: '', content: { role: 'user', parts: [{ text: 'go' }] } },
   *   { branch: 'flow.writer', content: 'draft' },
   * ]);
   * ```
   */
  toHaveCommitted(events: readonly ExpectedEvent[]): this {
    const committed = this.recording.session.events;
    const actual = committed.map((event, i) => eventView(event, events[i]));
    this.check('toHaveCommitted(…)', actual, events.map(expectedView));
    return this;
  }

  /**
   * Asserts the whole session state after the run.
   * @example
   * ```ts
   * expectAgent(flow, { state: { topic: 'fox' } }).toHaveFinalState({ topic: 'fox', draft: 'v1' });
   * ```
   */
  toHaveFinalState(state: Readonly<Record<string, unknown>>): this {
    this.check('toHaveFinalState(…)', this.recording.session.state.snapshot(), state);
    return this;
  }

  /**
   * Asserts that no timer was left scheduled: none right after unsubscribing (teardown reached
   * everything beneath) and none when the run ended.
   * @example
   * ```ts
   * expectAgent(slowFlow).unsubscribeAt('--!').toEmit('-a').toHaveNoPendingTimers();
   * ```
   */
  toHaveNoPendingTimers(): this {
    const run = this.recording;
    if (run.timersAfterUnsubscribe.length > 0) {
      throw new Error(
        `expectAgent(${this.agent.name}).toHaveNoPendingTimers(): ${count(run.timersAfterUnsubscribe.length)} still ` +
          `scheduled right after unsubscribing at frame ${run.unsubscribedAt} (due at frames ` +
          `${run.timersAfterUnsubscribe.join(', ')}); something beneath did not tear down`,
      );
    }
    if (run.timersAfterRun.length > 0) {
      throw new Error(
        `expectAgent(${this.agent.name}).toHaveNoPendingTimers(): ${count(run.timersAfterRun.length)} still ` +
          `scheduled when the run stopped at maxFrames (due at frames ${run.timersAfterRun.join(', ')})`,
      );
    }
    return this;
  }

  /**
   * Asserts that the run paused: it completed with these requests pending in the session (in
   * order; each compared on the fields given), and no error.
   * @example
   * ```ts
   * expectAgent(flow).toPause([{ author: 'approver', payload: { prompt: 'Publish?' } }]);
   * ```
   */
  toPause(requests?: readonly ExpectedRequest[]): this {
    const run = this.recording;
    const last = run.notifications.at(-1)?.notification;
    if (last?.kind !== 'C') {
      const why =
        last === undefined
          ? 'it did not finish'
          : last.kind === 'E'
            ? `it failed: ${String(last.error)}`
            : 'it did not finish';
      throw new Error(`expectAgent(${this.agent.name}).toPause(): the run did not pause: ${why}`);
    }
    const pending = pendingRequests(run.session);
    if (requests === undefined) {
      if (pending.length === 0)
        throw new Error(`expectAgent(${this.agent.name}).toPause(): the run completed with nothing pending`);
      return this;
    }
    const actual = pending.map((p, i) => pick(p, requests[i] ?? {}));
    this.check('toPause(…)', actual, requests);
    return this;
  }

  /**
   * Resumes the paused run with answers, in virtual time, and returns the expectation of the
   * resumed run (its stream: the answers' event, then what the agents do next). A key is a
   * request id or the id the agent gave (`'approve'`, or `'approve#2'` for its second request),
   * when it names exactly one pending request.
   * @example
   * ```ts
   * expectAgent(flow).toPause().resume({ approve: { approved: true } }).toEmit('(ua|)', { u, a });
   * ```
   */
  resume(answers: Readonly<Record<string, JsonValue>>): AgentExpectation {
    const session = this.recording.session;
    const pending = pendingRequests(session);
    const resume: Record<string, JsonValue> = {};
    for (const [key, answer] of Object.entries(answers))
      resume[requestIdOf(this.agent.name, pending, key)] = answer;
    const {
      state: _state,
      userContent: _userContent,
      subscription: _subscription,
      ...rest
    } = this.options as ExpectAgentOptions & {
      state?: unknown;
    };
    return new AgentExpectation(this.agent, { ...rest, session, resume } as ExpectAgentOptions);
  }

  private check(what: string, actual: unknown, expected: unknown, details?: string): void {
    try {
      this.assert(actual, expected);
    } catch (failure: unknown) {
      const title = `expectAgent(${this.agent.name}).${what} failed`;
      const prefix = details === undefined ? `${title}\n\n` : `${title}\n\n${details}\n\n`;
      if (failure instanceof Error) {
        failure.message = prefix + failure.message;
        throw failure;
      }
      throw new Error(prefix + String(failure));
    }
  }
}

/**
 * Starts fluent assertions on an agent run in virtual time: a `TestScheduler` in run mode, a
 * fresh session (or yours), deterministic ids (`inv-e1`, `e2`, …) and timestamps equal to
 * frames. The agent runs once, at the first assertion.
 *
 * @example
 * ```ts
 * import { sequence } from '@rxagents/core';
 * import { expectAgent, scriptedAgent } from '@rxagents/testing';
 * const flow = sequence('flow', [
 *   scriptedAgent('writer', '--d|', { d: { content: 'draft', stateDelta: { draft: 'v1' } } }),
 *   scriptedAgent('critic', '-(c|)', { c: 'fine' }),
 * ]);
 * expectAgent(flow, { state: { topic: 'fox' } })
 *   .toEmit('--d-(c|)', {
 *     d: { branch: 'flow.writer', content: 'draft', stateDelta: { draft: 'v1' } },
 *     c: { branch: 'flow.critic', content: 'fine' },
 *   })
 *   .toHaveFinalState({ topic: 'fox', draft: 'v1' });
 * ```
 * @param agent the agent under test, run as the root of the invocation
 * @param options `state` or `session`, `userContent`, `subscription`, `maxFrames`, `assertDeepEqual`
 */
export function expectAgent(agent: BaseAgent, options: ExpectAgentOptions = {}): AgentExpectation {
  return new AgentExpectation(agent, options);
}

function count(n: number): string {
  return n === 1 ? '1 timer was' : `${n} timers were`;
}
