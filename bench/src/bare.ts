/**
 * The floor: each workload as the leanest plain-RxJS program that does its bookkeeping and nothing
 * more (see bench/README.md, "The floor"). Per run: a mutable state object and an event log; every
 * event is a small object (author, branch, delta, and escalate / content where the workload has
 * them) that one sink subscriber records and whose delta it assigns onto the state, in emission
 * order and before the next event is produced (RxJS delivers synchronously). No ids, timestamps,
 * freezes, validation, copies or per-agent subscribers. The observable of a workload is built once
 * per system, as rxagents' agents are; `bare-immer` is the same with `produce` on the root per delta.
 * W5's sessions floor keeps each run's book as a session record in a Map (`bareW5Sessions`).
 */
import { produce } from 'immer';
import { concat, defer, EMPTY, from, merge, type Observable, of, repeat, takeWhile } from 'rxjs';
import type { SessionsSystem } from './manySessions.js';

type Delta = Readonly<Record<string, unknown>>;
interface BareEvent {
  readonly author: string;
  readonly branch: string;
  readonly stateDelta: Delta;
  readonly escalate?: boolean;
  readonly content?: string;
}

export type StateKind = 'mutable' | 'immer';

/** One run's bookkeeping: the state and the log, read by the workload and written by the sink. */
interface Book {
  state: Record<string, unknown>;
  readonly log: BareEvent[];
}

/** A floor system: `run` is timed, `reset` drops the kept logs, `lastState` is the last run's state. */
export interface BareSystem {
  readonly run: () => Promise<number>;
  readonly reset: () => void;
  readonly lastState: () => Promise<Readonly<Record<string, unknown>>>;
}

/** The mutable floor's bookkeeping of one event: logged, its delta assigned onto the state. */
function record(book: Book, e: BareEvent): void {
  Object.assign(book.state, e.stateDelta);
  book.log.push(e);
}

/**
 * Runs `build(book)`'s observable (built once) on a fresh book per run. The runs' books are kept
 * until `reset`, as a session service keeps the sessions of rxagents' and ADK's runs.
 */
function system(kind: StateKind, build: (book: () => Book) => Observable<BareEvent>): BareSystem {
  let book: Book = { state: {}, log: [] };
  let kept: Book[] = [];
  const source = build(() => book);
  const sink =
    kind === 'mutable'
      ? {
          next: (e: BareEvent) => record(book, e),
        }
      : {
          next: (e: BareEvent) => {
            book.state = produce(book.state, (draft) => {
              Object.assign(draft, e.stateDelta);
            });
            book.log.push(e);
          },
        };
  return {
    run: async () => {
      book = { state: {}, log: [] };
      kept.push(book);
      source.subscribe(sink);
      return book.log.length;
    },
    reset: () => {
      kept = [];
    },
    lastState: async () => book.state,
  };
}

const ev = (author: string, branch: string, stateDelta: Delta): BareEvent => ({ author, branch, stateDelta });

/** An agent emitting `n` one-key deltas, each built when the previous one was recorded. */
function lazyN(name: string, branch: string, n: number): Observable<BareEvent> {
  return defer(() =>
    from(
      (function* (): Generator<BareEvent> {
        for (let j = 0; j < n; j++) yield ev(name, branch, { [`${name}_${j}`]: j });
      })(),
    ),
  );
}

export const bareW1 = (kind: StateKind, agents = 100, events = 10) =>
  system(kind, () =>
    concat(...Array.from({ length: agents }, (_, i) => lazyN(`a${i}`, `root.a${i}`, events))),
  );

export const bareW2 = (kind: StateKind, escalateAt = 500) =>
  system(kind, (book) =>
    defer(() => {
      const n = ((book().state.i as number | undefined) ?? 0) + 1;
      return of<BareEvent>({
        author: 'step',
        branch: 'loop.step',
        stateDelta: { i: n },
        escalate: n >= escalateAt,
      });
    }).pipe(
      repeat(),
      takeWhile((e) => e.escalate !== true, true),
    ),
  );

export const bareW3 = (kind: StateKind, children = 1000) =>
  system(kind, () =>
    merge(
      ...Array.from({ length: children }, (_, i) =>
        defer(() => of(ev(`c${i}`, `fan.c${i}`, { [`c${i}_0`]: 0 }))),
      ),
    ),
  );

export const bareW4 = (kind: StateKind) =>
  system(kind, (book) => {
    const get = (key: string) => String(book().state[key]);
    const w = (name: string, key: string, value: () => string) =>
      defer(() => {
        const v = value();
        return of<BareEvent>({ author: name, branch: name, stateDelta: { [key]: v }, content: v });
      });
    const generator = w('generator', 'current_story', () => 'Once upon a time, a fox.');
    const critic = w('critic', 'criticism', () => `too short: ${get('current_story')}`);
    const reviser = w('reviser', 'current_story', () => `${get('current_story')} More.`);
    const refine = concat(critic, reviser).pipe(repeat(2));
    const checks = merge(
      w('grammar', 'grammar_suggestions', () => 'none'),
      w('tone', 'tone_check_result', () => 'negative'),
    );
    const regen = w('regenerator', 'current_story', () => 'A happier fox.');
    return concat(
      generator,
      refine,
      checks,
      defer(() => (book().state.tone_check_result === 'negative' ? regen : EMPTY)),
    );
  });

/** W5 long: one agent writing `events` deltas in one run. */
export const bareW5Long = (events: number) => system('mutable', () => lazyN('k', 'long', events)).run;

/** A stored session of the W5 floor: its id, its event log and its state. */
interface BareSession extends Book {
  readonly id: string;
}

// The user's message changes no state: the leanest program shares one frozen empty delta among
// all user events (rxagents' each carry a `{}` of their own).
const NO_DELTA: Delta = Object.freeze({});

/**
 * W5 many sessions, the floor of `w5Sessions` (rx.ts): per run, a session record (a new id, a log
 * holding the user's message, an empty state) set in one Map, then the agent's one event with its
 * one-key delta recorded into it by the one sink, as in the other floors. What the rxagents session
 * gets, with none of its machinery: no session service, no `Session` or `StateStore` object, no
 * app/user state routing, no committed-event set, no timestamps or event ids. Never reset: the
 * sessions pile up in the Map, which is what W5 measures. `run` counts the agent's events, as
 * rxagents' run does (the user's event is stored, not emitted).
 */
export function bareW5Sessions(): SessionsSystem {
  const stored = new Map<string, BareSession>();
  let count = 0;
  let current: BareSession = { id: '', state: {}, log: [] };
  const source = defer(() => of(ev('one', 'one', { one_0: 0 })));
  const sink = { next: (e: BareEvent) => record(current, e) };
  return {
    run: async () => {
      const id = `s${count++}`;
      current = { id, state: {}, log: [{ author: 'user', branch: '', stateDelta: NO_DELTA, content: 'go' }] };
      stored.set(id, current);
      source.subscribe(sink);
      return current.log.length - 1;
    },
    sessions: async () => Array.from(stored.values(), (s) => ({ events: s.log.length, state: s.state })),
  };
}
