/**
 * The browser example's entry point: runs StoryFlow in the page and renders its live event
 * stream. Run starts a new session; Stop unsubscribes, which cancels the run mid-stream.
 */
import { InMemorySessionService, Runner, type Session } from '@rxagents/core';
import {
  asyncScheduler,
  endWith,
  map,
  merge,
  type Observable,
  type Subscription,
  switchMap,
  takeWhile,
  tap,
} from 'rxjs';
import { createStoryFlow, STORY_TOPICS } from '../storyFlow.js';
import { countingScheduler } from './countingScheduler.js';
import { type RunUpdate, TimelineView } from './TimelineView.js';

/** Read-only hooks for the browser test and for poking around in devtools. */
export interface StoryflowDemo {
  /** Events the page has rendered in the current run (partial ones included). */
  readonly renderedEvents: () => number;
  /** Pieces of scheduled work run in the current run (timer ticks of every agent). */
  readonly schedulerTicks: () => number;
  /** Events committed to the current run's session. */
  readonly committedEvents: () => number;
}

declare global {
  interface Window {
    storyflowDemo?: StoryflowDemo;
  }
}

const APP = 'storyflow-browser';
const USER = 'browser-user';

let ticks = 0;
const ticksEl = document.getElementById('ticks');
const scheduler = countingScheduler(asyncScheduler, () => {
  ticks++;
  if (ticksEl !== null) ticksEl.textContent = String(ticks);
});

const sessions = new InMemorySessionService();

/**
 * One run as a single cold stream of updates: the session's state (current snapshot, then every
 * commit) merged with the run's events, ending after the run completes.
 */
function runStory(
  sessionId: string,
  topic: string,
  onSession: (session: Session) => void,
): Observable<RunUpdate> {
  // A fresh flow per run: the scripted model consumes its replies as the flow runs.
  const runner = new Runner({ appName: APP, agent: createStoryFlow(), sessionService: sessions, scheduler });
  return sessions.createSession({ appName: APP, userId: USER, sessionId, state: { topic } }).pipe(
    tap(onSession),
    switchMap((session) =>
      merge(
        session.state.state$.pipe(map((state): RunUpdate => ({ kind: 'state', state }))),
        runner.run({ userId: USER, sessionId, newMessage: `Write a story about ${topic}.` }).pipe(
          map((event): RunUpdate => ({ kind: 'event', event })),
          endWith<RunUpdate>({ kind: 'completed' }),
        ),
      ),
    ),
    // state$ never completes: the run's end ends the whole stream (and unsubscribes from state$).
    takeWhile((update) => update.kind !== 'completed', true),
  );
}

const view = new TimelineView();
const form = document.getElementById('controls') as HTMLFormElement;
const topicInput = document.getElementById('topic') as HTMLInputElement;
const runButton = document.getElementById('run') as HTMLButtonElement;
const stopButton = document.getElementById('stop') as HTMLButtonElement;
const topics = document.getElementById('topics') as HTMLDataListElement;
for (const topic of STORY_TOPICS) topics.append(new Option(topic));
topicInput.value = STORY_TOPICS[0]!;

let runs = 0;
let rendered = 0;
let session: Session | undefined;
let current: Subscription | undefined;

function finish(): void {
  current = undefined;
  stopButton.disabled = true;
  runButton.disabled = false;
}

form.addEventListener('submit', (submit) => {
  submit.preventDefault();
  current?.unsubscribe();
  rendered = 0;
  ticks = 0;
  if (ticksEl !== null) ticksEl.textContent = '0';
  view.reset(scheduler.now());
  runButton.disabled = true;
  stopButton.disabled = false;
  const topic = topicInput.value.trim() === '' ? STORY_TOPICS[0]! : topicInput.value.trim();
  current = runStory(`run-${++runs}`, topic, (s) => (session = s)).subscribe({
    next: (update) => {
      if (update.kind === 'event') rendered++;
      view.apply(update);
    },
    error: (error: unknown) => {
      view.setStatus('failed', error instanceof Error ? error.message : String(error));
      finish();
    },
    complete: finish,
  });
});

stopButton.addEventListener('click', () => {
  if (current === undefined) return;
  // Unsubscribing is the whole cancellation: timers, agents and commits beneath stop with it.
  current.unsubscribe();
  view.setStatus('stopped');
  finish();
});

window.storyflowDemo = {
  renderedEvents: () => rendered,
  schedulerTicks: () => ticks,
  committedEvents: () => session?.events.length ?? 0,
};
document.body.dataset.ready = 'true';
