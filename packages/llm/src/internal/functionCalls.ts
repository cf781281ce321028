import type { Content, FunctionCallPart } from '@rxagents/core';

/** The function calls of a content, in order (none for `undefined`). */
export function functionCalls(content: Content | undefined): FunctionCallPart['functionCall'][] {
  const calls: FunctionCallPart['functionCall'][] = [];
  if (content !== undefined)
    for (const part of content.parts) if ('functionCall' in part) calls.push(part.functionCall);
  return calls;
}

/** Whether a content calls a function (`functionCalls(content).length > 0`, without the list). */
export function hasFunctionCalls(content: Content | undefined): boolean {
  if (content !== undefined) for (const part of content.parts) if ('functionCall' in part) return true;
  return false;
}
