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
    const content = event.content;
    if (event.partial === true || content === undefined || content.parts.length === 0) continue;
    if (!canSee(event)) continue;
    if (event.author === agentName) contents.push(content);
    else if (event.author === 'user')
      contents.push(content.role === 'user' ? content : { ...content, role: 'user' });
    else contents.push(asContext(event, content));
  }
  return contents;
}
