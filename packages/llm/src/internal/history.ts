import type { Content, Event, InvocationContext, Part, Session } from '@rxagents/core';

function describePart(author: string, part: Part): Part {
  if ('functionCall' in part) {
    const { name, args } = part.functionCall;
    return { text: `[${author}] called tool \`${name}\` with parameters: ${JSON.stringify(args)}` };
  }
  if ('functionResponse' in part) {
    const { name, response } = part.functionResponse;
    return { text: `[${author}] \`${name}\` tool returned result: ${JSON.stringify(response)}` };
  }
  return { text: `[${author}] said: ${part.text}` };
}

// Another agent's words reach the model as user-side context, as ADK presents them.
function asContext(event: Event, content: Content): Content {
  const parts: Part[] = [{ text: 'For context:' }];
  for (const part of content.parts) {
    if ('text' in part && (part.thought === true || part.text === '')) continue;
    parts.push(describePart(event.author, part));
  }
  return { role: 'user', parts };
}

// Index of the event that starts the current turn: the last one this agent did not write; past
// the end when it wrote them all.
function turnStart(events: readonly Event[], agentName: string): number {
  for (let i = events.length - 1; i >= 0; i--) if (events[i]!.author !== agentName) return i;
  return events.length;
}

// How one visible event reaches the model (nothing for a partial or empty one).
function appendContent(contents: Content[], event: Event, agentName: string): void {
  const content = event.content;
  if (event.partial === true || content === undefined || content.parts.length === 0) return;
  if (event.author === agentName) contents.push(content);
  else if (event.author === 'user')
    contents.push(content.role === 'user' ? content : { ...content, role: 'user' });
  else contents.push(asContext(event, content));
}

/**
 * The conversation an `LlmAgent` sends to its model, oldest first: committed, non-partial events
 * with content that the agent can see (`ctx.canSee`: everything but other branches of an
 * enclosing parallel run). The agent's own events and the user's are kept
 * as they are; other agents' are rewritten as context. With `'none'`, only the current turn, as
 * ADK's `_get_current_turn_contents` draws it: from the last event of the session the user or
 * another agent wrote (whether or not it has content or is visible here), and nothing when this
 * agent wrote every event.
 */
export function buildContents(
  events: readonly Event[],
  canSee: (event: Event) => boolean,
  agentName: string,
  includeContents: 'default' | 'none',
): Content[] {
  const contents: Content[] = [];
  for (let i = includeContents === 'none' ? turnStart(events, agentName) : 0; i < events.length; i++) {
    const event = events[i]!;
    if (canSee(event)) appendContent(contents, event, agentName);
  }
  return contents;
}

/**
 * The `'default'` conversation of one run of one agent, kept between its model calls: each call
 * converts only the events committed since the last (a loop of n tool calls converted the whole
 * session n times). The session's log only grows, and what one context can see of an event does
 * not change, so the result equals `buildContents` (a log that is not the one seen last, checked
 * by its length and last event, is converted afresh). Made per run, or kept between the runs of
 * one agent on one session where nothing but the session decides what it sees (`historyOf`).
 */
export class RunHistory {
  private count = 0;
  private last: Event | undefined;
  private contents: Content[] = [];
  // `contents` was handed out: copied before it changes. Why not a copy per call: a run of one
  // model call (the common case) then copies nothing. Part of the −22% (4.77M → 3.70M
  // instructions per run) of this round's llm changes on W4 storyflow-llm; not measured alone.
  private shared = false;

  /** The conversation over `events`; a model may keep it: it never changes after it is returned. */
  contentsOf(
    events: readonly Event[],
    canSee: (event: Event) => boolean,
    agentName: string,
  ): readonly Content[] {
    if (events.length < this.count || (this.count > 0 && events[this.count - 1] !== this.last)) {
      this.count = 0;
      this.contents = [];
      this.shared = false;
    }
    // Once handed out, the list is not written: the new contents go to one of their own, joined
    // to it in one copy of the exact length. (A copy and then pushes copied a kept history twice
    // per call, the second time into a store half as large again: at 16,000 events a model call
    // took 110 µs, with the kernel's page faults on top of the profile.)
    const into = this.shared ? [] : this.contents;
    for (let i = this.count; i < events.length; i++) {
      const event = events[i]!;
      if (canSee(event)) appendContent(into, event, agentName);
    }
    if (into !== this.contents && into.length > 0) this.contents = this.contents.concat(into);
    this.count = events.length;
    this.last = events[events.length - 1];
    this.shared = true;
    return this.contents;
  }
}

// Sessions shorter than this when a run starts convert afresh: their conversion costs less than
// the two WeakMap lookups (and the entries) that keeping it takes, and most sessions are short
// (W4 through LlmAgent makes one per invocation).
const KEEP_FROM = 64;
const kept = new WeakMap<Session, WeakMap<object, RunHistory>>();

/**
 * The conversation of one run of `agent`, continued from its last run on the same session object
 * when no parallel run encloses it (`ctx.canSeeAll`: then every event is visible, whatever the
 * context). Why: each run's first model call converted the whole session, so a conversation of n
 * turns converted O(n²) events in all (`bench:long`'s chat: 13.5 µs per turn in the first quarter
 * of 4,000 turns, 56.6 µs in the last; now 4.7–8.9 µs throughout). Each call still makes its
 * request a new list of every content (a request keeps the list it was given): one copy.
 */
export function historyOf(agent: object, ctx: InvocationContext): RunHistory {
  const session = ctx.session;
  if (!ctx.canSeeAll || session.events.length < KEEP_FROM) return new RunHistory();
  let byAgent = kept.get(session);
  if (byAgent === undefined) kept.set(session, (byAgent = new WeakMap()));
  let history = byAgent.get(agent);
  if (history === undefined) byAgent.set(agent, (history = new RunHistory()));
  return history;
}
