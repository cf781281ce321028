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

/**
 * The conversation an `LlmAgent` sends to its model, oldest first: committed, non-partial events
 * with content that the agent can see (`ctx.canSee`: everything but other branches of an
 * enclosing parallel run). The agent's own events and the user's are kept
 * as they are; other agents' are rewritten as context. With `'none'`, only the current turn: from
 * the last event not authored by this agent.
 */
export function buildContents(
  events: readonly Event[],
  canSee: (event: Event) => boolean,
  agentName: string,
  includeContents: 'default' | 'none',
): Content[] {
  const visible: Event[] = [];
  for (const event of events) {
    if (event.partial === true || event.content === undefined || event.content.parts.length === 0) continue;
    if (!canSee(event)) continue;
    visible.push(event);
  }
  let start = 0;
  if (includeContents === 'none') {
    for (let i = visible.length - 1; i >= 0; i--) {
      if (visible[i]!.author !== agentName) {
        start = i;
        break;
      }
    }
  }
  const contents: Content[] = [];
  for (let i = start; i < visible.length; i++) {
    const event = visible[i]!;
    const content = event.content!;
    if (event.author === agentName) contents.push(content);
    else if (event.author === 'user')
      contents.push(content.role === 'user' ? content : { ...content, role: 'user' });
    else contents.push(asContext(event, content));
  }
  return contents;
}
