/** The same flows with bare RxJS: a plain mutable object (or immer `produce` per delta) for state. */
import { produce } from 'immer';
import {
  concat,
  defer,
  EMPTY,
  from,
  lastValueFrom,
  merge,
  type Observable,
  of,
  repeat,
  takeWhile,
  tap,
  toArray,
} from 'rxjs';

type Delta = Readonly<Record<string, unknown>>;
interface BareEvent {
  readonly id: number;
  readonly author: string;
  readonly branch: string;
  readonly timestamp: number;
  readonly content?: string;
  readonly actions: { readonly stateDelta: Delta; readonly escalate?: boolean };
}

/** State holder: `mutable` assigns in place; `immer` runs `produce` on the root per delta. */
export interface BareState {
  get(key: string): unknown;
  apply(delta: Delta): void;
}

export type StateKind = 'mutable' | 'immer';

function newState(kind: StateKind): BareState {
  if (kind === 'mutable') {
    const s: Record<string, unknown> = {};
    return { get: (k) => s[k], apply: (d) => Object.assign(s, d) };
  }
  let s: Record<string, unknown> = {};
  return {
    get: (k) => s[k],
    apply: (d) => {
      s = produce(s, (draft) => {
        Object.assign(draft, d);
      });
    },
  };
}

let ids = 0;
function ev(
  author: string,
  branch: string,
  stateDelta: Delta,
  escalate?: boolean,
  content?: string,
): BareEvent {
  return {
    id: ids++,
    author,
    branch,
    timestamp: Date.now(),
    ...(content === undefined ? {} : { content }),
    actions: escalate === true ? { stateDelta, escalate } : { stateDelta },
  };
}

async function drive(
  build: (state: BareState, commit: (e: BareEvent) => void) => Observable<BareEvent>,
  kind: StateKind,
) {
  const state = newState(kind);
  const log: BareEvent[] = [];
  const commit = (e: BareEvent) => {
    state.apply(e.actions.stateDelta);
    log.push(e);
  };
  const out = await lastValueFrom(build(state, commit).pipe(toArray()));
  return out.length;
}

function lazyN(
  name: string,
  branch: string,
  n: number,
  commit: (e: BareEvent) => void,
): Observable<BareEvent> {
  if (n === 1) return defer(() => of(ev(name, branch, { [`${name}_0`]: 0 })).pipe(tap(commit)));
  return defer(() =>
    from(
      (function* gen(): Generator<BareEvent> {
        for (let j = 0; j < n; j++) yield ev(name, branch, { [`${name}_${j}`]: j });
      })(),
    ).pipe(tap(commit)),
  );
}

export const bareW1 = (kind: StateKind, agents = 100, events = 10) =>
  drive(
    (_s, commit) =>
      concat(...Array.from({ length: agents }, (_, i) => lazyN(`a${i}`, `root.a${i}`, events, commit))),
    kind,
  );

export const bareW2 = (kind: StateKind, escalateAt = 500) =>
  drive(
    (state, commit) =>
      defer(() => {
        const n = ((state.get('i') as number | undefined) ?? 0) + 1;
        return of(ev('step', 'loop.step', { i: n }, n >= escalateAt)).pipe(tap(commit));
      }).pipe(
        repeat(),
        takeWhile((e) => e.actions.escalate !== true, true),
      ),
    kind,
  );

export const bareW3 = (kind: StateKind, children = 1000) =>
  drive(
    (_s, commit) =>
      merge(...Array.from({ length: children }, (_, i) => lazyN(`c${i}`, `fan.c${i}`, 1, commit))),
    kind,
  );

export const bareW4 = (kind: StateKind) =>
  drive((state, commit) => {
    const w = (name: string, key: string, value: () => string) =>
      defer(() => {
        const v = value();
        return of(ev(name, name, { [key]: v }, false, v)).pipe(tap(commit));
      });
    const generator = w('generator', 'current_story', () => 'Once upon a time, a fox.');
    const critic = w('critic', 'criticism', () => `too short: ${String(state.get('current_story'))}`);
    const reviser = w('reviser', 'current_story', () => `${String(state.get('current_story'))} More.`);
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
      defer(() => (state.get('tone_check_result') === 'negative' ? regen : EMPTY)),
    );
  }, kind);

export const bareW5Long = (events: number) =>
  drive((_s, commit) => lazyN('k', 'long', events, commit), 'mutable');
