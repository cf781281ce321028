import type { PendingRequest } from '@rxagents/core';
import type { ExpectedRequest } from '../expectedOutcomes.js';

export function pick(request: PendingRequest, like: ExpectedRequest): ExpectedRequest {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(like)) out[key] = request[key as keyof PendingRequest];
  return out as ExpectedRequest;
}

// A full request id, or the one pending request whose own part (`<key>#n`) is the key or, for a
// key without `#n`, starts with `<key>#`.
export function requestIdOf(agent: string, pending: readonly PendingRequest[], key: string): string {
  if (pending.some((p) => p.id === key)) return key;
  const matching = pending.filter((p) => {
    const own = p.id.slice(p.id.lastIndexOf('/') + 1);
    return key.includes('#') ? own === key : own.slice(0, own.lastIndexOf('#')) === key;
  });
  if (matching.length === 1) return matching[0]!.id;
  throw new Error(
    `expectAgent(${agent}).resume(): '${key}' names ${matching.length === 0 ? 'no' : 'more than one'} pending request; pending: ${pending.map((p) => p.id).join(', ') || 'none'}`,
  );
}
