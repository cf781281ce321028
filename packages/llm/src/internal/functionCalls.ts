import type { Content, FunctionCallPart } from '@rxagents/core';

/** The function calls of a content, in order (none for `undefined`). */
export function functionCalls(content: Content | undefined): FunctionCallPart['functionCall'][] {
  const calls: FunctionCallPart['functionCall'][] = [];
  if (content !== undefined)
    for (const part of content.parts) if ('functionCall' in part) calls.push(part.functionCall);
  return calls;
}
