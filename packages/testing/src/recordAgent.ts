import {
  type BaseAgent,
  type Event,
  type InvocationContext,
  isPause,
  type JsonValue,
  Runner,
  type Session,
} from '@rxagents/core';
import type { Observable, ObservableNotification, Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { oneSessionService } from './internal/oneSessionService.js';
import { parseSubscriptionMarble } from './internal/parseMarble.js';
import { type TestContextOptions, testContext } from './testContext.js';

/**
 * One notification of a recorded run, at its virtual frame.
 *
 * @example
 * ```ts
 * recordAgent(agent).notifications.map(({ frame, notification }) => `${frame}:${notification.kind}`); // ['1:N', '2:C']
 * ```
 */
export interface RecordedNotification {
  readonly frame: number;
  readonly notification: ObservableNotification<Event>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * Options of {@link recordAgent} (and {@link expectAgent}): the context's (`state` or `session`,
 * `userContent`, ids…) plus when to subscribe and unsubscribe and how far virtual time may run.
 *
 * @example
 * ```ts
 * recordAgent(flow, { state: { topic: 'fox' }, subscription: '^--!', maxFrames: 10_000 });
 * ```
 */
export type RecordOptions = DistributiveOmit<TestContextOptions, 'agent' | 'scheduler'> & {
  /**
   * When to subscribe and unsubscribe, as a subscription marble: `'^--!'`, `'--!'` (subscribe at
   * 0), `'--^'`. Default: subscribe at frame 0, never unsubscribe.
   */
  readonly subscription?: string;
  /**
   * Virtual time at which the run is cut off (timers due later stay scheduled and are reported
   * in {@link AgentRecording.timersAfterRun}). Default 1,000,000 frames (about 17 virtual minutes).
   */
  readonly maxFrames?: number;
  /**
   * Answers for the requests pending in `session` (by request id): instead of a new run, the
   * paused invocation is resumed through a `Runner`, as `runner.run({ resume })` does.
   */
  readonly resume?: Readonly<Record<string, JsonValue>>;
};

/**
 * Everything observable about one run of an agent in virtual time.
 *
 * @example
 * ```ts
 * const run: AgentRecording = recordAgent(flow);
 * run.session.state.snapshot(); // the final state
 * run.events.map((e) => e.timestamp); // virtual frames
 * ```
 */
export interface AgentRecording {
  /** Every notification (events, then complete or error) with its frame. */
  readonly notifications: readonly RecordedNotification[];
  /** The emitted events, partial ones included. */
  readonly events: readonly Event[];
  /** The session after the run: its `events` are the committed log, its `state` the final state. */
  readonly session: Session;
  /** The root context the agent was run under. */
  readonly context: InvocationContext;
  /** Frame of the subscription. */
  readonly subscribedAt: number;
  /** Frame at which the test unsubscribed, if the subscription marble has a `!`. */
  readonly unsubscribedAt: number | undefined;
  /** Due frames of the timers still scheduled right after unsubscribing (leaks; should be empty). */
  readonly timersAfterUnsubscribe: readonly number[];
  /** Due frames of the timers still scheduled when the run stopped at `maxFrames`. */
  readonly timersAfterRun: readonly number[];
}

const DEFAULT_MAX_FRAMES = 1_000_000;

/**
 * Runs an agent once under its own `TestScheduler` (`run` mode, so `1 character = 1 ms`) with a
 * {@link testContext}, and records what happened: notifications with their frames, the session,
 * timers left behind. {@link expectAgent} asserts on such a recording; use this directly for
 * assertions of your own.
 *
 * Like the `Runner`, a run that pauses for input (`requestInput`) completes after its requests,
 * and a `userContent` is committed to the session as a `user` event (branch `''`)
 * before the agent runs. Do not call it inside another `TestScheduler.run`.
 *
 * @example
 * ```ts
 * import { recordAgent, scriptedAgent } from '@rxagents/testing';
 * const run = recordAgent(scriptedAgent('a', '--x|'), { subscription: '^-!' });
 * run.events.length;            // 0: unsubscribed at frame 1, before x
 * run.timersAfterUnsubscribe;   // []: nothing left scheduled
 * ```
 * @param agent the agent under test, run as the root of the invocation
 * @param options context, subscription marble and `maxFrames` (default 1,000,000)
 */
export function recordAgent(agent: BaseAgent, options: RecordOptions = {}): AgentRecording {
  const { subscription, maxFrames = DEFAULT_MAX_FRAMES, resume, ...contextOptions } = options;
  const { subscribed, unsubscribed } =
    subscription === undefined
      ? { subscribed: 0, unsubscribed: Number.POSITIVE_INFINITY }
      : parseSubscriptionMarble(subscription);
  const scheduler = new TestScheduler(() => {
    throw new Error('recordAgent compares nothing itself');
  });
  const notifications: RecordedNotification[] = [];
  const events: Event[] = [];
  let timersAfterUnsubscribe: readonly number[] = [];
  let context: InvocationContext | undefined;
  scheduler.run(() => {
    scheduler.maxFrames = maxFrames;
    const ctx = testContext({ ...contextOptions, agent, scheduler } as TestContextOptions);
    context = ctx;
    let events$: Observable<Event>;
    if (resume !== undefined) {
      const { session } = ctx;
      const runner = new Runner({
        appName: session.appName,
        agent,
        sessionService: oneSessionService(session),
        scheduler,
      });
      events$ = runner.run({ userId: session.userId, sessionId: session.id, resume });
    } else {
      events$ = agent.runAsync(ctx);
    }
    if (resume === undefined && ctx.userContent !== undefined) {
      const content =
        ctx.userContent.role === 'user' ? ctx.userContent : { ...ctx.userContent, role: 'user' as const };
      ctx.session.commit(ctx.newEvent({ author: 'user', branch: '', content }));
    }
    let running: Subscription | undefined;
    scheduler.schedule(() => {
      running = events$.subscribe({
        next: (event) => {
          events.push(event);
          notifications.push({ frame: scheduler.now(), notification: { kind: 'N', value: event } });
        },
        // A pause ends the run as the Runner ends it: a completion after the requests.
        error: (error: unknown) =>
          notifications.push({
            frame: scheduler.now(),
            notification: isPause(error) ? { kind: 'C' } : { kind: 'E', error },
          }),
        complete: () => notifications.push({ frame: scheduler.now(), notification: { kind: 'C' } }),
      });
    }, subscribed);
    if (unsubscribed !== Number.POSITIVE_INFINITY) {
      scheduler.schedule(() => {
        running?.unsubscribe();
        timersAfterUnsubscribe = scheduler.actions.map((action) => action.delay);
      }, unsubscribed);
    }
  });
  const ctx = context!;
  return {
    notifications,
    events,
    session: ctx.session,
    context: ctx,
    subscribedAt: subscribed,
    unsubscribedAt: unsubscribed === Number.POSITIVE_INFINITY ? undefined : unsubscribed,
    timersAfterUnsubscribe,
    timersAfterRun: scheduler.actions.map((action) => action.delay),
  };
}
