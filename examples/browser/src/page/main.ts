/**
 * The browser example's entry point: runs StoryFlow in the page and renders its live event
 * stream. Run starts a new session; Stop unsubscribes, which cancels the run mid-stream. With
 * "ask me", the run pauses for approval: Approve / Reject resume it with the answer.
 */
import {
  type Event,
  InMemorySessionService,
  type PendingRequest,
  pendingRequests,
  Runner,
  type Session,
} from '@rxagents/core';
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
import { createApprovalFlow, createStoryFlow, STORY_TOPICS } from '../storyFlow.js';
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
 * One run (or the resume of a paused one) as a single cold stream of updates: the session's
 * state (current snapshot, then every commit) merged with the run's events, ending after the run.
 */
function watch(session: Session, run: Observable<Event>): Observable<RunUpdate> {
  return merge(
    session.state.state$.pipe(map((state): RunUpdate => ({ kind: 'state', state }))),
    run.pipe(
      map((event): RunUpdate => ({ kind: 'event', event })),
      endWith<RunUpdate>({ kind: 'completed' }),
    ),
  ).pipe(
    // state$ never completes: the run's end ends the whole stream (and unsubscribes from state$).
    takeWhile((update) => update.kind !== 'completed', true),
  );
}

/** A new session for the topic, and StoryFlow's first run in it. */
function runStory(
  runner: Runner,
  sessionId: string,
  topic: string,
  onSession: (session: Session) => void,
): Observable<RunUpdate> {
  return sessions.createSession({ appName: APP, userId: USER, sessionId, state: { topic } }).pipe(
    tap(onSession),
    switchMap((session) =>
      watch(session, runner.run({ userId: USER, sessionId, newMessage: `Write a story about ${topic}.` })),
    ),
  );
}

const view = new TimelineView();
const form = document.getElementById('controls') as HTMLFormElement;
const topicInput = document.getElementById('topic') as HTMLInputElement;
const runButton = document.getElementById('run') as HTMLButtonElement;
const stopButton = document.getElementById('stop') as HTMLButtonElement;
const askApproval = document.getElementById('ask-approval') as HTMLInputElement;
const requestPanel = document.getElementById('request') as HTMLElement;
const approveButton = document.getElementById('approve') as HTMLButtonElement;
const rejectButton = document.getElementById('reject') as HTMLButtonElement;
const topics = document.getElementById('topics') as HTMLDataListElement;
for (const topic of STORY_TOPICS) topics.append(new Option(topic));
topicInput.value = STORY_TOPICS[0]!;

let runs = 0;
let rendered = 0;
let session: Session | undefined;
let current: Subscription | undefined;
let runner: Runner | undefined;
let waitingFor: PendingRequest | undefined;

function finish(): void {
  current = undefined;
  stopButton.disabled = true;
  runButton.disabled = false;
}

// Renders the updates of a run or a resume; a run that ends paused shows what it asks.
function follow(updates: Observable<RunUpdate>): void {
  current = updates.subscribe({
    next: (update) => {
      if (update.kind === 'event') rendered++;
      const pending = update.kind === 'completed' && session !== undefined ? pendingRequests(session) : [];
      if (pending.length > 0) showRequest(pending[0]!);
      else view.apply(update);
    },
    error: (error: unknown) => {
      view.setStatus('failed', error instanceof Error ? error.message : String(error));
      finish();
    },
    complete: finish,
  });
}

function showRequest(request: PendingRequest): void {
  waitingFor = request;
  const payload = request.payload as { prompt?: string; story?: string };
  document.getElementById('request-prompt')!.textContent = payload.prompt ?? JSON.stringify(request.payload);
  document.getElementById('request-story')!.textContent = payload.story ?? '';
  requestPanel.hidden = false;
  requestPanel.dataset.requestId = request.id;
  view.setStatus('waiting', request.author);
}

// Approve / Reject: the answer resumes the paused run where it stopped (nothing is run again).
function answer(approved: boolean): void {
  const request = waitingFor;
  if (request === undefined || runner === undefined || session === undefined) return;
  waitingFor = undefined;
  requestPanel.hidden = true;
  view.setStatus('running');
  runButton.disabled = true;
  stopButton.disabled = false;
  // A tool confirmation takes true / false; StoryFlow's approval takes { approved }.
  const value = request.kind === 'confirmation' ? approved : { approved };
  follow(
    watch(session, runner.run({ userId: USER, sessionId: session.id, resume: { [request.id]: value } })),
  );
}
approveButton.addEventListener('click', () => answer(true));
rejectButton.addEventListener('click', () => answer(false));

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
  waitingFor = undefined;
  requestPanel.hidden = true;
  // A fresh flow per run: the scripted model consumes its replies as the flow runs.
  const agent = askApproval.checked ? createApprovalFlow() : createStoryFlow();
  runner = new Runner({ appName: APP, agent, sessionService: sessions, scheduler });
  follow(runStory(runner, `run-${++runs}`, topic, (s) => (session = s)));
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
