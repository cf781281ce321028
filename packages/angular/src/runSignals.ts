import { computed, type Injector, type Signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import type { Event, State } from '@rxagents/core';
import {
  catchError,
  endWith,
  map,
  merge,
  type Observable,
  of,
  Subject,
  scan,
  take,
  takeUntil,
  takeWhile,
} from 'rxjs';

/** Where a run stands: `running` until it completes, fails or is stopped. */
export type RunSignalsStatus = 'running' | 'completed' | 'failed' | 'stopped';

/** A run as signals, from {@link runSignals}. */
export interface RunSignals {
  /** Every event so far, partial (streamed) ones included, in order. */
  readonly events: Signal<readonly Event[]>;
  /** The initial state with each committed event's `stateDelta` laid over it. */
  readonly state: Signal<State>;
  readonly status: Signal<RunSignalsStatus>;
  /** What the run failed with (`undefined` unless `status()` is `failed`). */
  readonly error: Signal<unknown>;
  /** Unsubscribes from the run (cancelling it) and sets the status to `stopped`. */
  stop(): void;
}

/** Options of {@link runSignals}. */
export interface RunSignalsOptions {
  /** The session's state before the run (default `{}`). */
  readonly initialState?: State;
  /** Where to tie the subscription's lifetime, when called outside an injection context. */
  readonly injector?: Injector;
}

type Update =
  | { readonly kind: 'event'; readonly event: Event }
  | { readonly kind: 'completed' | 'stopped' }
  | { readonly kind: 'failed'; readonly error: unknown };

interface Snapshot {
  readonly events: readonly Event[];
  readonly state: State;
  readonly status: RunSignalsStatus;
  readonly error: unknown;
}

function fold(snapshot: Snapshot, update: Update): Snapshot {
  switch (update.kind) {
    case 'event': {
      const { event } = update;
      const delta = event.partial === true ? {} : event.actions.stateDelta;
      const state = Object.keys(delta).length === 0 ? snapshot.state : { ...snapshot.state, ...delta };
      return { ...snapshot, events: [...snapshot.events, event], state };
    }
    case 'failed':
      return { ...snapshot, status: 'failed', error: update.error };
    default:
      return { ...snapshot, status: update.kind };
  }
}

/**
 * Subscribes to a run (an `Observable<Event>`, e.g. `runner.run(…)`) and exposes it as signals
 * for OnPush and zoneless components. Why: a template reads signals without the async pipe, and
 * the subscription belongs to the calling component or service (`toSignal` unsubscribes when it
 * is destroyed, which cancels the run), so there is no `subscribe` to leak.
 *
 * Call it in an injection context (a field initializer) or pass `options.injector`.
 *
 * @example
 * ```ts
 * import { Component, signal } from '@angular/core';
 * import { runSignals } from '@rxagents/angular';
 * import { agent, InMemorySessionService, Runner, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 *
 * const writer = agent('writer', (ctx) => of(ctx.newEvent({ content: text('A fox.') })));
 * const runner = new Runner({ appName: 'app', agent: writer, sessionService: new InMemorySessionService() });
 *
 * @Component({ selector: 'app-run', template: `{{ run.status() }}: {{ run.events().length }} events` })
 * export class RunComponent {
 *   readonly run = runSignals(runner.run({ userId: 'u', sessionId: 's', newMessage: 'go' }));
 * }
 * ```
 */
export function runSignals(run$: Observable<Event>, options: RunSignalsOptions = {}): RunSignals {
  const stops = new Subject<void>();
  const initial: Snapshot = {
    events: [],
    state: options.initialState ?? {},
    status: 'running',
    error: undefined,
  };
  const updates$: Observable<Update> = merge(
    run$.pipe(
      map((event): Update => ({ kind: 'event', event })),
      endWith<Update>({ kind: 'completed' }),
      catchError((error: unknown) => of<Update>({ kind: 'failed', error })),
      takeUntil(stops),
    ),
    // Subscribed after the run's takeUntil: the run is unsubscribed before `stopped` is folded in.
    stops.pipe(
      take(1),
      map((): Update => ({ kind: 'stopped' })),
    ),
  ).pipe(takeWhile((update) => update.kind === 'event', true));
  const snapshot = toSignal(updates$.pipe(scan(fold, initial)), {
    initialValue: initial,
    ...(options.injector === undefined ? {} : { injector: options.injector }),
  });
  return {
    events: computed(() => snapshot().events),
    state: computed(() => snapshot().state),
    status: computed(() => snapshot().status),
    error: computed(() => snapshot().error),
    stop: () => stops.next(),
  };
}
