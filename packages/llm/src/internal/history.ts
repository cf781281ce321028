import type { Content, Event, Part } from '@rxagents/core';

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
 * by its length and last event, is converted afresh). Made per run, never shared between runs.
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
    for (let i = this.count; i < events.length; i++) {
      const event = events[i]!;
      if (!canSee(event)) continue;
      if (this.shared) {
        this.contents = this.contents.slice();
        this.shared = false;
      }
      appendContent(this.contents, event, agentName);
    }
    this.count = events.length;
    this.last = events[events.length - 1];
    this.shared = true;
    return this.contents;
  }
}
