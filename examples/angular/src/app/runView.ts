import { type Event, type PendingRequest, type State, textOf } from '@rxagents/core';

/** One step of a run, as the service emits it: the start, an event, a state snapshot, the end. */
export type RunUpdate =
  | { readonly kind: 'started'; readonly runId: number; readonly topic: string; readonly at: number }
  | { readonly kind: 'event'; readonly event: Event }
  | { readonly kind: 'state'; readonly state: State }
  | { readonly kind: 'completed' }
  /** The run ended paused: it waits for a person's answer to `request`. */
  | { readonly kind: 'paused'; readonly request: PendingRequest }
  /** The answer is on its way: the paused run goes on in the same view. */
  | { readonly kind: 'resumed' }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'failed'; readonly message: string };

/** Where a run stands. */
export type RunStatus = 'idle' | 'running' | 'waiting' | 'completed' | 'stopped' | 'failed';

/** One agent turn in a lane: its streamed text grows until the complete event arrives. */
export interface Card {
  readonly id: number;
  readonly author: string;
  readonly at: number;
  readonly text: string;
  readonly chunks: number;
  readonly state: 'streaming' | 'done' | 'interrupted';
  /** Position of the complete event among all the run's events (0 while streaming). */
  readonly seq: number;
  readonly delta: readonly string[];
}

/** One branch of the flow (`story_flow.refine.critic`), with its turns in order. */
export interface Lane {
  readonly branch: string;
  readonly cards: readonly Card[];
}

/** A committed (non-partial) event, as the log shows it. */
export interface LogEntry {
  readonly seq: number;
  readonly author: string;
  readonly branch: string;
  readonly timestamp: number;
  readonly at: number;
  readonly delta: string;
}

/** Everything the page renders of the current run; a new object after every update. */
export interface RunView {
  readonly runId: number;
  readonly topic: string;
  readonly status: RunStatus;
  readonly detail: string;
  readonly startedAt: number;
  /** Events received, partial ones included. */
  readonly events: number;
  readonly lanes: readonly Lane[];
  readonly log: readonly LogEntry[];
  readonly state: State | undefined;
  readonly story: string;
  readonly storyReady: boolean;
  /** What the paused run asks (status `waiting`), until it is answered. */
  readonly pending: PendingRequest | undefined;
}

/** The view before the first run. */
export const IDLE_VIEW: RunView = {
  runId: 0,
  topic: '',
  status: 'idle',
  detail: '',
  startedAt: 0,
  events: 0,
  lanes: [],
  log: [],
  state: undefined,
  story: '',
  storyReady: false,
  pending: undefined,
};

function short(value: unknown, max = 48): string {
  const json = JSON.stringify(value) ?? 'undefined';
  return json.length > max ? `${json.slice(0, max - 2)}…"` : json;
}

/** The lanes with `change` applied to the last card of `branch` (or a new card when it has none open). */
function withCard(view: RunView, event: Event, change: (card: Card) => Card): readonly Lane[] {
  const fresh = (): Card => ({
    id: view.events,
    author: event.author,
    at: event.timestamp - view.startedAt,
    text: '',
    chunks: 0,
    state: 'streaming',
    seq: 0,
    delta: [],
  });
  const lane = view.lanes.find((l) => l.branch === event.branch);
  if (lane === undefined) return [...view.lanes, { branch: event.branch, cards: [change(fresh())] }];
  const last = lane.cards.at(-1);
  const cards =
    last?.state === 'streaming'
      ? [...lane.cards.slice(0, -1), change(last)]
      : [...lane.cards, change(fresh())];
  return view.lanes.map((l) => (l === lane ? { branch: l.branch, cards } : l));
}

function addEvent(view: RunView, event: Event): RunView {
  const seq = view.events + 1;
  if (event.partial === true) {
    const lanes = withCard(view, event, (c) => ({
      ...c,
      text: c.text + textOf(event.content),
      chunks: c.chunks + 1,
    }));
    return { ...view, events: seq, lanes };
  }
  const delta = Object.entries(event.actions.stateDelta).map(
    ([key, value]) => `${key} ← ${short(value, 32)}`,
  );
  const lanes = withCard(view, event, (c) => ({
    ...c,
    text: textOf(event.content),
    state: 'done',
    seq,
    delta,
  }));
  const entry: LogEntry = {
    seq,
    author: event.author,
    branch: event.branch,
    timestamp: event.timestamp,
    at: event.timestamp - view.startedAt,
    delta: delta.join(', '),
  };
  const story = event.actions.stateDelta.current_story;
  return {
    ...view,
    events: seq,
    lanes,
    log: [...view.log, entry],
    story: typeof story === 'string' ? story : view.story,
  };
}

/** Marks the cards still streaming as interrupted: a stopped or failed run leaves them as they were. */
function interrupt(view: RunView, status: 'stopped' | 'failed', detail = ''): RunView {
  const lanes = view.lanes.map((lane) => ({
    branch: lane.branch,
    cards: lane.cards.map((c): Card => (c.state === 'streaming' ? { ...c, state: 'interrupted' } : c)),
  }));
  return { ...view, status, detail, lanes };
}

/**
 * Folds one update into the view (the reducer of the service's `scan`). Pure: the same updates
 * give the same view, which is what the unit tests check without a DOM.
 */
export function reduceRunView(view: RunView, update: RunUpdate): RunView {
  switch (update.kind) {
    case 'started':
      return {
        ...IDLE_VIEW,
        runId: update.runId,
        topic: update.topic,
        status: 'running',
        startedAt: update.at,
      };
    case 'event':
      return addEvent(view, update.event);
    case 'state':
      return { ...view, state: update.state };
    case 'completed': {
      const story = view.state?.current_story;
      return {
        ...view,
        status: 'completed',
        story: typeof story === 'string' ? story : view.story,
        storyReady: true,
      };
    }
    case 'paused':
      return { ...view, status: 'waiting', detail: update.request.author, pending: update.request };
    case 'resumed':
      return { ...view, status: 'running', detail: '', pending: undefined };
    case 'stopped':
      return view.status === 'running' ? interrupt(view, 'stopped') : view;
    case 'failed':
      return interrupt(view, 'failed', update.message);
  }
}
