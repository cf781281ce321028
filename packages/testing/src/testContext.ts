import {
  agent,
  type BaseAgent,
  type Content,
  type IdGenerator,
  InvocationContext,
  type InvocationServices,
  type RunConfig,
  Session,
  sequentialIds,
  text,
} from '@rxagents/core';
import { EMPTY, type SchedulerLike } from 'rxjs';

interface TestContextCommon {
  /** The agent the invocation is for (transfers resolve in its tree). Default: an empty agent `test`. */
  readonly agent?: BaseAgent;
  /** Source of time. Pass the `TestScheduler`; default `asyncScheduler` (virtual inside `TestScheduler.run`). */
  readonly scheduler?: SchedulerLike;
  /** The user's message (a string becomes a `user` text part); set on the context, not committed. */
  readonly userContent?: Content | string;
  /** Prefix of the deterministic ids `e1`, `e2`, … Default `'e'`. Ignored when `idGenerator` is given. */
  readonly idPrefix?: string;
  /** Source of ids. Default `sequentialIds(idPrefix)`. */
  readonly idGenerator?: IdGenerator;
  /** Default `inv-` followed by the first id (`inv-e1`). */
  readonly invocationId?: string;
  readonly services?: InvocationServices;
  readonly runConfig?: RunConfig;
}

/**
 * Options of {@link testContext}: a fresh session with an initial `state`, or an existing
 * `session` (not both).
 *
 * @example
 * ```ts
 * testContext({ state: { topic: 'fox' }, scheduler });
 * testContext({ session: existingSession, idPrefix: 'id' });
 * ```
 */
export type TestContextOptions = TestContextCommon &
  (
    | {
        /** Initial state of a fresh session (`id: 'session'`, `appName: 'test'`, `userId: 'user'`). */
        readonly state?: Readonly<Record<string, unknown>>;
        readonly session?: undefined;
      }
    | {
        /** Run in this session (its state and event log are used and extended). */
        readonly session: Session;
        readonly state?: undefined;
      }
  );

/**
 * Builds an `InvocationContext` for a test: a fresh session (or the one given), deterministic
 * ids (`inv-e1`, `e2`, …) and the scheduler you pass, so every timestamp is a virtual frame.
 *
 * Use it to run an agent by hand (`agent.runAsync(ctx)`) inside `TestScheduler.run`, or to make
 * events with `ctx.newEvent`. {@link expectAgent} builds one for you.
 *
 * @example
 * ```ts
 * import { scriptedAgent, testContext } from '@rxagents/testing';
 * import { map } from 'rxjs';
 * import { TestScheduler } from 'rxjs/testing';
 * import { expect } from 'vitest';
 *
 * const writer = scriptedAgent('writer', '--(w|)', { w: 'a draft' });
 * const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
 * scheduler.run(({ expectObservable }) => {
 *   const ctx = testContext({ agent: writer, state: { topic: 'fox' }, scheduler });
 *   expectObservable(writer.runAsync(ctx).pipe(map((e) => e.author))).toBe('--(w|)', { w: 'writer' });
 * });
 * ```
 * @param options.agent default: an agent named `test` that emits nothing
 * @param options.state initial state of the fresh session, default `{}`
 * @param options.scheduler default `asyncScheduler`
 * @param options.idPrefix default `'e'`
 */
export function testContext(options: TestContextOptions = {}): InvocationContext {
  const session =
    options.session ??
    new Session({ id: 'session', appName: 'test', userId: 'user', state: options.state ?? {} });
  const userContent =
    typeof options.userContent === 'string' ? text(options.userContent, 'user') : options.userContent;
  return InvocationContext.create({
    agent: options.agent ?? agent('test', () => EMPTY),
    session,
    idGenerator: options.idGenerator ?? sequentialIds(options.idPrefix ?? 'e'),
    ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
    ...(userContent === undefined ? {} : { userContent }),
    ...(options.invocationId === undefined ? {} : { invocationId: options.invocationId }),
    ...(options.services === undefined ? {} : { services: options.services }),
    ...(options.runConfig === undefined ? {} : { runConfig: options.runConfig }),
  });
}
