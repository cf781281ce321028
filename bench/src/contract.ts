/**
 * The contract floor: the floor (bare.ts) plus what rxagents promises on every event and every
 * agent run, each promise kept as directly as plain RxJS allows. It tells the price of the
 * contract apart from the framework's own overhead (bench/README.md, "The price of the contract").
 *
 * Kept, as rxagents keeps them:
 * - per event: an id unique in the session (a counter per invocation after a random part, the
 *   default id generator's form), the scheduler's time, the invocation id, author and branch; the
 *   event, its actions, its delta and its content frozen (shared, never copied);
 * - per commit: the delta checked before anything is recorded (a plain object, keys non-empty,
 *   JSON values), every version's delta kept (a past state can be read back), the event logged;
 *   readers get the state as a frozen snapshot that never changes;
 * - per agent run, workflow agents included: a context (author, branch, an `ended` flag) and a
 *   subscriber between the agent and its caller that commits the agent's events before passing
 *   them on, checking the flag on each as an `end()` needs (no workload here ends a run, so
 *   nothing sets it: it is there for the check's cost); the agents stop when the caller
 *   unsubscribes;
 * - per invocation: a session record (id, log, state, versions) and the user's event, stamped.
 *
 * Not kept (no workload here needs them to end in the same state): the shape check of whatever an
 * agent emits, conflict checks between parallel branches, transfer targets, callbacks, tracing,
 * pauses and resumes, `temp:` keys, app and user state, a session service.
 *
 * It imports nothing from rxagents: its `text`, id generator and delta check are its own small
 * copies of the core's (`text`, `randomIds`, `validateDelta`), so that it measures plain RxJS.
 */
import {
  asyncScheduler,
  concat,
  defer,
  EMPTY,
  from,
  merge,
  Observable,
  type Observer,
  of,
  repeat,
  Subscriber,
  takeWhile,
} from 'rxjs';
import type { SessionsSystem } from './manySessions.js';

type Delta = Readonly<Record<string, unknown>>;
interface Content {
  readonly role: string;
  readonly parts: readonly { readonly text: string }[];
}
interface Actions {
  readonly stateDelta: Delta;
  readonly escalate?: boolean;
}
/** An event as rxagents stores it (the fields these workloads set). */
export interface ContractEvent {
  readonly id: string;
  readonly invocationId: string;
  readonly author: string;
  readonly branch: string;
  readonly timestamp: number;
  readonly actions: Actions;
  readonly content?: Content;
}

/**
 * One session: its log, the delta of every version, the current values (never handed out) and
 * the snapshot readers get, made on demand (as rxagents' large-state path does; its small-state
 * path copies per commit instead, to make reads free).
 */
interface Book {
  readonly id: string;
  readonly log: ContractEvent[];
  readonly values: Record<string, unknown>;
  readonly versions: Delta[];
  snapshot: Delta | undefined;
}

/** What every agent run of one invocation shares. */
interface Invocation {
  readonly id: string;
  readonly nextId: () => string;
  readonly book: Book;
}

/** One agent run's context: made per run, never shared with another run. */
interface Ctx {
  readonly invocation: Invocation;
  readonly author: string;
  readonly branch: string;
  ended: boolean;
}

/**
 * `CONTRACT_WITHOUT=ids,time,freeze,check,runs` drops promises, to price each one (bench/README.md,
 * "The price of the contract"): `ids` one shared id, `time` no clock read, `freeze` nothing frozen,
 * `check` no delta check, `runs` no context subscriber per agent run (the runner's observer
 * commits instead). Read once: each is a constant on the hot path.
 */
const WITHOUT = new Set((process.env.CONTRACT_WITHOUT ?? '').split(','));
const IDS = !WITHOUT.has('ids');
const TIME = !WITHOUT.has('time');
const CHECK = !WITHOUT.has('check');
const RUNS = !WITHOUT.has('runs');
const freeze: <T>(value: T) => Readonly<T> = WITHOUT.has('freeze') ? (value) => value : Object.freeze;

const PROCESS = Math.random().toString(36).slice(2, 10);
let generators = 0;

function idsOfInvocation(): () => string {
  const head = `${PROCESS}${(++generators).toString(36)}-`;
  let n = 0;
  return IDS ? () => head + (++n).toString(36) : () => head;
}

const text = (value: string, role = 'model'): Content =>
  freeze({ role, parts: freeze([freeze({ text: value })]) });

const NO_DELTA: Delta = Object.freeze({});

function newEvent(ctx: Ctx, stateDelta: Delta, content?: Content, escalate?: boolean): ContractEvent {
  const actions: Actions = freeze(escalate === undefined ? { stateDelta } : { stateDelta, escalate });
  const { invocation, author, branch } = ctx;
  const id = invocation.nextId();
  const invocationId = invocation.id;
  const timestamp = TIME ? asyncScheduler.now() : 0;
  return freeze(
    content === undefined
      ? { id, invocationId, author, branch, timestamp, actions }
      : { id, invocationId, author, branch, timestamp, actions, content },
  );
}

/** The check before a commit: what a session could not be read back with never gets in. */
function checkDelta(author: string, delta: unknown): void {
  if (typeof delta !== 'object' || delta === null || Object.getPrototypeOf(delta) !== Object.prototype)
    throw new TypeError(`${author}: stateDelta must be a plain object`);
  for (const key in delta) {
    const value = (delta as Record<string, unknown>)[key];
    if (key === '') throw new TypeError(`${author}: an empty state key`);
    if (typeof value === 'string' || typeof value === 'boolean' || value === null) continue;
    if (typeof value === 'number' && Number.isFinite(value)) continue;
    if (JSON.stringify(value) === undefined) throw new TypeError(`${author}: '${key}' is not JSON`);
  }
}

function commit(book: Book, event: ContractEvent): void {
  const delta = event.actions.stateDelta;
  if (CHECK) checkDelta(event.author, delta);
  freeze(delta);
  let changed = false;
  const values = book.values;
  for (const key in delta) {
    values[key] = delta[key];
    changed = true;
  }
  if (changed) {
    book.versions.push(delta);
    book.snapshot = undefined;
  }
  book.log.push(event);
}

/** The state as a reader gets it: a frozen copy, made when asked and kept until the next change. */
function snapshotOf(book: Book): Delta {
  book.snapshot ??= Object.freeze({ ...book.values });
  return book.snapshot;
}

/**
 * The subscriber of one agent run: commits its agent's own events (`commits`; a workflow agent's
 * events were committed beneath it) before passing them on, and drops them once its context ended.
 */
class RunSubscriber extends Subscriber<ContractEvent> {
  constructor(
    destination: Subscriber<ContractEvent>,
    private readonly ctx: Ctx,
    private readonly commits: boolean,
  ) {
    super(destination);
  }

  protected override _next(event: ContractEvent): void {
    const ctx = this.ctx;
    if (ctx.ended) return;
    if (this.commits) commit(ctx.invocation.book, event);
    this.destination.next(event);
  }
}

/** An agent: each run derives its context from the caller's and goes through a RunSubscriber. */
type Agent = (caller: Ctx) => Observable<ContractEvent>;

interface AgentSpec {
  readonly name: string;
  readonly branch: string;
  readonly commits: boolean;
  readonly body: (ctx: Ctx) => Observable<ContractEvent>;
}

/**
 * The observable of one call of an agent. A class with one subscribe function for all, not a
 * closure per call: tsx names every closure it compiles (a `defineProperty` each time one is
 * made), which the floor's runs, making none, would not pay (rx.ts's `Counting` says the same).
 */
class RunObservable extends Observable<ContractEvent> {
  constructor(
    readonly spec: AgentSpec,
    readonly caller: Ctx,
  ) {
    super(subscribeRun as (this: Observable<ContractEvent>, subscriber: Subscriber<ContractEvent>) => void);
  }
}

function subscribeRun(this: RunObservable, subscriber: Subscriber<ContractEvent>): void {
  const { spec, caller } = this;
  const ctx: Ctx = { invocation: caller.invocation, author: spec.name, branch: spec.branch, ended: false };
  if (RUNS) spec.body(ctx).subscribe(new RunSubscriber(subscriber, ctx, spec.commits));
  else spec.body(ctx).subscribe(subscriber);
}

function agentOf(
  name: string,
  branch: string,
  commits: boolean,
  body: (ctx: Ctx) => Observable<ContractEvent>,
): Agent {
  const spec: AgentSpec = { name, branch, commits, body };
  return (caller) => new RunObservable(spec, caller);
}

/** The runner's observer of one run: counts the events (and commits them under `runs`). */
class Tally implements Observer<ContractEvent> {
  private count = 0;
  constructor(
    private readonly book: Book,
    private readonly resolve: (count: number) => void,
    readonly error: (error: unknown) => void,
  ) {}
  next(event: ContractEvent): void {
    if (!RUNS) commit(this.book, event);
    this.count++;
  }
  complete(): void {
    this.resolve(this.count);
  }
}

/** A system of the contract floor (the shape of bare.ts's, and a W5 `SessionsSystem`). */
export interface ContractSystem extends SessionsSystem {
  readonly reset: () => void;
  readonly lastState: () => Promise<Delta>;
  /** The last run's log, the user's event first. */
  readonly lastLog: () => readonly ContractEvent[];
}

/**
 * A runner: per run a session record (kept by id until `reset`, as a session service keeps its
 * sessions), the user's event, the invocation, the root agent's run.
 */
function system(root: Agent): ContractSystem {
  let sessions = 0;
  let kept = new Map<string, Book>();
  const newBook = (id: string): Book => ({ id, log: [], values: {}, versions: [], snapshot: undefined });
  let last = newBook('');
  const user = text('go', 'user');
  return {
    run: () =>
      new Promise<number>((resolve, reject) => {
        const book = newBook(`s${sessions++}`);
        kept.set(book.id, book);
        last = book;
        const nextId = idsOfInvocation();
        const invocation: Invocation = { id: `inv-${nextId()}`, nextId, book };
        const top: Ctx = { invocation, author: 'user', branch: '', ended: false };
        commit(book, newEvent(top, NO_DELTA, user));
        root(top).subscribe(new Tally(book, resolve, reject));
      }),
    reset: () => {
      kept = new Map();
    },
    sessions: async () => Array.from(kept.values(), (b) => ({ events: b.log.length, state: snapshotOf(b) })),
    lastState: async () => snapshotOf(last),
    lastLog: () => last.log,
  };
}

/** A leaf agent emitting `n` one-key deltas, each built when the previous one was committed. */
function lazyN(name: string, branch: string, n: number): Agent {
  return agentOf(name, branch, true, (ctx) =>
    from(
      (function* (): Generator<ContractEvent> {
        for (let j = 0; j < n; j++) yield newEvent(ctx, { [`${name}_${j}`]: j });
      })(),
    ),
  );
}

/** W1: a sequence of `agents` agents of `events` events each. */
export function contractW1(agents = 100, events = 10): ContractSystem {
  const subs = Array.from({ length: agents }, (_, i) => lazyN(`a${i}`, `root.a${i}`, events));
  // Each sub-agent's observable is cold: its context is made when concat reaches it.
  return system(agentOf('root', 'root', false, (ctx) => concat(...subs.map((sub) => sub(ctx)))));
}

/** W2: a loop of one-event runs until the step escalates. */
export function contractW2(escalateAt = 500): ContractSystem {
  const step = agentOf('step', 'loop.step', true, (ctx) => {
    const n = ((ctx.invocation.book.values.i as number | undefined) ?? 0) + 1;
    return of(newEvent(ctx, { i: n }, undefined, n >= escalateAt));
  });
  return system(
    agentOf('loop', 'loop', false, (ctx) =>
      step(ctx).pipe(
        repeat(),
        takeWhile((e) => e.actions.escalate !== true, true),
      ),
    ),
  );
}

/** W3: a fan-out of `children` one-event agents. */
export function contractW3(children = 1000): ContractSystem {
  const subs = Array.from({ length: children }, (_, i) =>
    agentOf(`c${i}`, `fan.c${i}`, true, (ctx) => of(newEvent(ctx, { [`c${i}_0`]: 0 }))),
  );
  return system(agentOf('fan', 'fan', false, (ctx) => merge(...subs.map((sub) => sub(ctx)))));
}

/** W4: StoryFlow (generate, refine twice, two checks, regenerate on a negative tone). */
export function contractW4(): ContractSystem {
  const stateOf = (ctx: Ctx) => ctx.invocation.book.values;
  const writer = (name: string, branch: string, key: string, value: (ctx: Ctx) => string) =>
    agentOf(name, branch, true, (ctx) => {
      const v = value(ctx);
      return of(newEvent(ctx, { [key]: v }, text(v)));
    });
  const get = (ctx: Ctx, key: string) => String(stateOf(ctx)[key]);
  const generator = writer('generator', 'main.generator', 'current_story', () => 'Once upon a time, a fox.');
  const critic = writer(
    'critic',
    'main.refine.critic',
    'criticism',
    (ctx) => `too short: ${get(ctx, 'current_story')}`,
  );
  const reviser = writer(
    'reviser',
    'main.refine.reviser',
    'current_story',
    (ctx) => `${get(ctx, 'current_story')} More.`,
  );
  const refine = agentOf('refine', 'main.refine', false, (ctx) =>
    concat(critic(ctx), reviser(ctx)).pipe(repeat(2)),
  );
  const grammar = writer('grammar', 'main.checks.grammar', 'grammar_suggestions', () => 'none');
  const tone = writer('tone', 'main.checks.tone', 'tone_check_result', () => 'negative');
  const checks = agentOf('checks', 'main.checks', false, (ctx) => merge(grammar(ctx), tone(ctx)));
  const main = agentOf('main', 'main', false, (ctx) => concat(generator(ctx), refine(ctx), checks(ctx)));
  const regenerator = writer('regenerator', 'regenerator', 'current_story', () => 'A happier fox.');
  // `main.pipe(when(isNegative, regenerator))`: the operator's run is an agent run too.
  return system(
    agentOf('flow', '', false, (ctx) =>
      concat(
        main(ctx),
        defer(() => (stateOf(ctx).tone_check_result === 'negative' ? regenerator(ctx) : EMPTY)),
      ),
    ),
  );
}

/** W5 many sessions: one session of one one-event invocation per run, never reset. */
export const contractW5Sessions = (): ContractSystem => system(lazyN('one', 'one', 1));
