// Every subclass of RxJS's `Subscriber` in the core, fenced in one module (a performance trick:
// one object per run or per source instead of the closures and operator chains they replace).
// They rely on members that RxJS 7 deprecates and RxJS 8 makes internal: the constructor's
// `destination` argument (chaining: the destination adds the new subscriber to its finalizers),
// `destination`, `isStopped`, `next` dispatching to `_next` / `_error` / `_complete`, and
// unsubscribe running finalizers in order. subscribers.test.ts checks each of those against the
// installed RxJS, so an upgrade that breaks them fails there, loudly, rather than in a workload.
// The file stays whole for that reason: it is the one place to port. Measured gains, in the
// order of the classes: AgentRun W2 −10% instructions (955f215, against closures per run);
// ConcatLazyInner W2 −18%, W4 −9% (0b086d9, against inner subscribers chained to the outer one);
// AppendSync / SessionFound W1 −2% (027828e, against map + concatLazy + concatMap per event);
// BranchMerge: see mergeBranches.ts; LeanSubscriber (the base of the others): bytes per run
// W1 −12%, W2 −10%, W4 −18%; its own copies of RxJS's constructor, complete / error and close
// (LeanBase): CPU time W2 −5 to −17%, W4 −8 to −13% over several series of alternated
// processes (bench/README.md, ledger).
// Those copies also rely on RxJS's private fields (`initialTeardown`, `_parentage`,
// `_finalizers`), which the test pins by comparing a LeanSubscriber with RxJS's own.
import type { Span } from '@opentelemetry/api';
import {
  type Observable,
  Subscriber,
  Subscription,
  type TeardownLogic,
  type Unsubscribable,
  UnsubscriptionError,
} from 'rxjs';
import type { Event } from '../Event.js';
import type { EndListener, InvocationContext } from '../InvocationContext.js';
import { InvocationPaused, isPause } from '../InvocationPaused.js';
import type { Session } from '../Session.js';
import { storeError } from './storeError.js';
import { failSpan } from './tracing.js';

// The fields of a LeanSubscriber, set by LeanBase in the order RxJS's constructors set them.
interface LeanFields {
  initialTeardown: undefined;
  closed: boolean;
  _parentage: unknown;
  _finalizers: unknown;
  isStopped: boolean;
  destination: unknown;
  lone: Exclude<TeardownLogic, void> | undefined;
  spilled: boolean;
}

// What RxJS's Subscriber sends to when made without a destination (its EMPTY_OBSERVER).
const NO_DESTINATION: unknown = (new Subscriber<unknown>() as unknown as { destination: unknown })
  .destination;

/**
 * RxJS's Subscription and Subscriber constructors in one, for the core's subscribers only: the
 * same fields in the same order, the same chaining to the destination, and Subscriber.prototype
 * (so `instanceof Subscriber` and every inherited member are RxJS's). Why not `super()` into
 * RxJS's: every subscriber class of the process runs those two constructors, so their field
 * stores see more shapes than V8 keeps inline (megamorphic, a generic store per field); these
 * see the core's four classes of a workload. In a CPU profile of W2 the generic store went from
 * 6.7% of the samples to 0.1% with the methods below.
 */
function LeanBase(this: LeanFields, destination: Subscriber<unknown> | undefined): void {
  this.initialTeardown = undefined;
  this.closed = false;
  this._parentage = null;
  this._finalizers = null;
  this.isStopped = false;
  this.destination = destination ?? NO_DESTINATION;
  this.lone = undefined;
  this.spilled = false;
  // RxJS's chaining: the destination tears this one down with itself.
  destination?.add(this as unknown as Subscriber<unknown>);
}
LeanBase.prototype = Subscriber.prototype;
const SubscriberBase = LeanBase as unknown as typeof Subscriber;

/**
 * The base of the core's subscribers: keeps its first finalizer in a field. RxJS's Subscription
 * allocates a `_finalizers` array on the first `add()` (a backing store of 16 slots, ~190 B with
 * the array), and every subscriber chained to another is added to it: one per agent run. Here the
 * first finalizer lives in `lone`; a second one spills both, in order, to RxJS's own array (and
 * from then on every one goes there), so the order finalizers run in is RxJS's. A Subscription in
 * `lone` is not registered as a child (no parentage): when it closes on its own it stays there,
 * closed (a no-op when this one unsubscribes), until the next `add()` takes the field over.
 * Relies on `add` / `remove` / `unsubscribe` being the members the constructor's chaining, a
 * child's teardown and RxJS call (subscribers.test.ts). Measured in bytes allocated per run
 * (instruction counts did not resolve it, see bench/README.md): W1 −12%, W2 −10%, W4 −18%
 * against the same core without it (the array, and the iterator RxJS's unsubscribe makes for it).
 * Constructed by {@link LeanBase}, not RxJS's constructors.
 */
export class LeanSubscriber<T> extends SubscriberBase<T> {
  // Set by LeanBase (declared here for the type only: no initialiser runs after it).
  declare private lone: Exclude<TeardownLogic, void> | undefined;
  declare private spilled: boolean;

  // Explicit, not the implicit `(...args)` forwarding one: that construct path is generic (V8's
  // varargs forwarding) and kept the chain from being inlined.
  constructor(destination?: Subscriber<unknown>) {
    super(destination);
  }

  override add(teardown: TeardownLogic): void {
    if (this.spilled || this.closed || !teardown || teardown === this) {
      super.add(teardown);
      return;
    }
    if (teardown instanceof Subscription && teardown.closed) return;
    const lone = this.lone;
    // RxJS adds a Subscription once (it is already this one's child) but a function every time.
    if (lone === teardown && teardown instanceof Subscription) return;
    if (lone === undefined || (lone instanceof Subscription && lone.closed)) {
      this.lone = teardown;
      return;
    }
    this.lone = undefined;
    this.spilled = true;
    super.add(lone);
    super.add(teardown);
  }

  override remove(teardown: Exclude<TeardownLogic, void>): void {
    if (teardown === this.lone) this.lone = undefined;
    else super.remove(teardown);
  }

  // RxJS's Subscriber.error / complete / _error / _complete, here for the same reason as LeanBase:
  // their store of `isStopped`, their dispatch to `_error` / `_complete` and their read of the
  // destination then see the core's classes only. A notification after the stop goes to RxJS's
  // (which reports it through `config.onStoppedNotification`).
  override error(error: unknown): void {
    if (this.isStopped) {
      super.error(error);
      return;
    }
    this.isStopped = true;
    this._error(error);
  }

  override complete(): void {
    if (this.isStopped) {
      super.complete();
      return;
    }
    this.isStopped = true;
    this._complete();
  }

  protected override _error(error: unknown): void {
    try {
      this.destination.error(error);
    } finally {
      this.unsubscribe();
    }
  }

  protected override _complete(): void {
    try {
      this.destination.complete();
    } finally {
      this.unsubscribe();
    }
  }

  override unsubscribe(): void {
    if (this.closed) return;
    const fields = this as unknown as LeanFields;
    // Spilled: every finalizer is in RxJS's array (`lone` is empty), and RxJS runs them.
    if (fields._finalizers !== null) {
      super.unsubscribe();
      return;
    }
    // RxJS's Subscriber.unsubscribe around Subscription.unsubscribe, for a subscriber whose one
    // finalizer (if any) is `lone`: the same steps in the same order (stopped, closed, out of its
    // parents, the finalizer, the destination dropped; a failing finalizer throws before that, as
    // there), with stores that see the core's classes only (see LeanBase).
    const lone = this.lone;
    this.lone = undefined;
    this.isStopped = true;
    fields.closed = true;
    const parentage = fields._parentage as Subscription | Subscription[] | null;
    if (parentage !== null) {
      fields._parentage = null;
      if (Array.isArray(parentage)) for (const parent of parentage) parent.remove(this);
      else parentage.remove(this);
    }
    if (lone !== undefined) {
      try {
        if (typeof lone === 'function') lone();
        else lone.unsubscribe();
      } catch (error) {
        throw new UnsubscriptionError(error instanceof UnsubscriptionError ? error.errors : [error]);
      }
    }
    fields.destination = null;
  }
}

/**
 * The subscriber of one agent run, chained to its caller's: commits each event (conflict checks,
 * transfer target, state delta) before passing it on, stops on `endInvocation` and on `end()`.
 * One object per run, where closures for next / error / complete / end() made six.
 */
export class AgentRun extends LeanSubscriber<Event> implements EndListener {
  count = 0;
  outcome = 'cancelled';

  constructor(
    destination: Subscriber<Event>,
    private readonly ctx: InvocationContext,
    private readonly branch: string,
    private readonly span: Span | undefined,
  ) {
    super(destination);
  }

  // `next` itself rather than `_next`: RxJS's Subscriber.next dispatches to `_next` from one call
  // site shared by every subscriber in the process (megamorphic in any real app), and each event
  // passes through a wrapper per enclosing agent.
  override next(event: Event): void {
    if (this.isStopped) {
      super.next(event);
      return;
    }
    const ctx = this.ctx;
    if (ctx.ended) return;
    let committed: Event;
    try {
      committed = ctx.commit(event);
    } catch (error) {
      this.error(error);
      return;
    }
    this.count++;
    this.destination.next(committed);
    if (committed.actions.endInvocation === true && committed.branch === this.branch) this.complete();
  }

  protected override _error(error: unknown): void {
    if (error instanceof InvocationPaused) {
      this.pause(error);
      return;
    }
    this.outcome = 'error';
    if (this.span !== undefined) failSpan(this.span, error);
    super._error(error);
  }

  protected override _complete(): void {
    this.outcome = 'completed';
    super._complete();
  }

  // The agent asked for input: its request events are committed and emitted here (once, by the
  // innermost wrapper), then the pause travels on to the caller like an error.
  private pause(paused: InvocationPaused): void {
    this.outcome = 'paused';
    const events = paused.unemitted.splice(0);
    try {
      for (const event of events) {
        this.count++;
        this.destination.next(this.ctx.commit(event));
      }
    } catch (error) {
      super._error(error);
      return;
    }
    super._error(paused);
  }

  /** The context was ended: stop at once. */
  contextEnded(): void {
    this.complete();
  }
}

/**
 * One subscription of a `concatLazy`: subscribes `next(0)`, `next(1)`, … in turn, trampolining
 * synchronous completions in a loop. It is the one finalizer on the outer subscriber and tears
 * down whichever source is current; the inner subscribers are not chained to the outer one, which
 * would add each to its finalizer list and splice it out again on completion (a loop does that
 * per iteration).
 */
export class ConcatLazyRun<T> implements Unsubscribable {
  private index = 0;
  private active = false;
  private completedSync = false;
  private current: ConcatLazyInner<T> | undefined;

  constructor(
    readonly subscriber: Subscriber<T>,
    private readonly next: (index: number) => Observable<T> | undefined,
  ) {}

  subscribeNext(): void {
    const subscriber = this.subscriber;
    while (!subscriber.closed) {
      let source: Observable<T> | undefined;
      try {
        source = this.next(this.index++);
      } catch (error) {
        // Reached from an inner completion, a throw would go to whoever completed it: fail here.
        subscriber.error(error);
        return;
      }
      if (source === undefined) {
        subscriber.complete();
        return;
      }
      this.completedSync = false;
      this.active = true;
      const inner = new ConcatLazyInner(this);
      this.current = inner;
      source.subscribe(inner);
      this.active = false;
      if (!this.completedSync) return;
    }
  }

  unsubscribe(): void {
    const current = this.current;
    this.current = undefined;
    current?.unsubscribe();
  }

  innerCompleted(): void {
    if (this.active) this.completedSync = true;
    else this.subscribeNext();
  }
}

// An inner subscriber, not chained to the outer one (the run tears it down): values and errors go
// straight to the outer subscriber; completion starts the next source.
class ConcatLazyInner<T> extends LeanSubscriber<T> {
  constructor(private readonly run: ConcatLazyRun<T>) {
    super();
  }

  // `next` itself, without Subscriber.next's megamorphic dispatch to `_next` (see AgentRun).
  override next(value: T): void {
    if (this.isStopped) super.next(value);
    else this.run.subscriber.next(value);
  }

  protected override _error(error: unknown): void {
    try {
      this.run.subscriber.error(error);
    } finally {
      this.unsubscribe();
    }
  }

  protected override _complete(): void {
    // Tear this source down before the next one starts.
    this.unsubscribe();
    this.run.innerCompleted();
  }
}

/**
 * Waits for the session, then hands the run's own subscriber to the invocation: its events reach
 * the caller without a hop per event. Chained to that subscriber, so unsubscribing while the
 * session loads tears the load down.
 */
export class SessionFound extends LeanSubscriber<Session> {
  private session: Session | undefined;

  constructor(
    private readonly outer: Subscriber<Event>,
    private readonly start: (session: Session) => Observable<Event>,
  ) {
    super(outer);
  }

  protected override _next(session: Session): void {
    this.session = session;
  }

  protected override _complete(): void {
    const { session, outer } = this;
    this.unsubscribe();
    if (session === undefined) {
      outer.error(new Error('the session service completed without a session'));
      return;
    }
    let events: Observable<Event>;
    try {
      events = this.start(session);
    } catch (error) {
      outer.error(error);
      return;
    }
    events.subscribe(outer);
  }
}

/**
 * Appends each non-partial event to a synchronous store and passes on what the store returns; an
 * append that throws fails the run (and stops the agent: this subscriber is chained to it). A
 * pause ends the run cleanly: its requests were the last events of their branches.
 */
export class AppendSync extends LeanSubscriber<Event> {
  constructor(
    destination: Subscriber<Event>,
    private readonly session: Session,
    private readonly store: { appendEventSync(session: Session, event: Event): Event },
  ) {
    super(destination);
  }

  // `next` rather than `_next`, as in AgentRun.
  override next(event: Event): void {
    if (this.isStopped) {
      super.next(event);
      return;
    }
    let out = event;
    if (event.partial !== true) {
      try {
        out = this.store.appendEventSync(this.session, event);
      } catch (error) {
        this.error(storeError(this.session, event, error));
        return;
      }
    }
    this.destination.next(out);
  }

  protected override _error(error: unknown): void {
    if (isPause(error)) super._complete();
    else super._error(error);
  }
}

/**
 * One subscription of `mergeBranches`: subscribes the branches (at most `concurrency` at once),
 * passes their events on in the order they happen, ends the merge after an escalation that no
 * inner loop consumed, and collects the pauses of branches that asked for input, pausing the
 * merge for all of them once every branch has ended. It is the one finalizer on the outer
 * subscriber; the live branches are a linked list (O(1) to drop one as it ends), not a chain of
 * `catchError` + `merge` + `takeWhile` + `concat` subscribers per branch and per run.
 */
export class BranchMerge implements Unsubscribable {
  private index = 0;
  private active = 0;
  private pumping = false;
  private head: BranchInner | undefined;
  private paused: string[] | undefined;

  /**
   * @param count how many branches the merge runs
   * @param open makes branch `i`'s observable, when it is subscribed (not before: a fan-out of
   *   100,000 agents holds no array of 100,000 runs made ahead)
   */
  constructor(
    readonly subscriber: Subscriber<Event>,
    private readonly count: number,
    private readonly open: (index: number) => Observable<Event>,
    readonly ctx: InvocationContext,
    private readonly concurrency: number,
  ) {}

  // Subscribes branches while there is room, trampolining branches that end synchronously.
  pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    const { count, subscriber } = this;
    while (this.active < this.concurrency && this.index < count && !subscriber.closed) {
      this.active++;
      const inner = new BranchInner(this, this.head);
      if (this.head !== undefined) this.head.newer = inner;
      this.head = inner;
      this.open(this.index++).subscribe(inner);
    }
    this.pumping = false;
    if (this.active === 0 && this.index === count) this.finish();
  }

  // Every branch ended: complete, or pause for the requests of the branches that asked.
  finish(): void {
    const paused = this.paused;
    if (paused === undefined) this.subscriber.complete();
    else this.subscriber.error(new InvocationPaused(paused));
  }

  ended(inner: BranchInner, paused: InvocationPaused | undefined): void {
    this.drop(inner);
    if (paused !== undefined) (this.paused ??= []).push(...paused.requestIds);
    this.active--;
    this.pump();
  }

  // A branch failed, or an escalation ends the merge: the other branches are torn down.
  stop(): void {
    this.index = this.count;
    this.unsubscribe();
  }

  private drop(inner: BranchInner): void {
    const { older, newer } = inner;
    if (newer === undefined) this.head = older;
    else newer.older = older;
    if (older !== undefined) older.newer = newer;
    inner.older = inner.newer = undefined;
  }

  unsubscribe(): void {
    let inner = this.head;
    this.head = undefined;
    while (inner !== undefined) {
      const older = inner.older;
      inner.older = inner.newer = undefined;
      inner.unsubscribe();
      inner = older;
    }
  }
}

// The subscriber of one branch of a BranchMerge, not chained to the outer subscriber; the live
// branches are a list from the newest (the merge's head) to the oldest.
class BranchInner extends LeanSubscriber<Event> {
  newer: BranchInner | undefined;

  constructor(
    private readonly merge: BranchMerge,
    public older: BranchInner | undefined,
  ) {
    super();
  }

  // `next` itself, as in AgentRun. The escalation is looked at before the event goes on: a loop
  // further out consumes it on the way, and it must still end this merge.
  override next(event: Event): void {
    if (this.isStopped) {
      super.next(event);
      return;
    }
    const merge = this.merge;
    const escalation = merge.ctx.isUnconsumedEscalation(event);
    merge.subscriber.next(event);
    if (escalation) {
      merge.stop();
      merge.finish();
    }
  }

  protected override _error(error: unknown): void {
    const merge = this.merge;
    if (error instanceof InvocationPaused) {
      this.unsubscribe();
      merge.ended(this, error);
      return;
    }
    merge.stop();
    merge.subscriber.error(error);
  }

  protected override _complete(): void {
    this.unsubscribe();
    this.merge.ended(this, undefined);
  }
}
