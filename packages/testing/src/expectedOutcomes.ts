// What the assertions of `expectAgent` compare a run with, besides events (eventView.ts): errors,
// timeline entries and pending requests.
import type { PendingRequest } from '@rxagents/core';
import type { EventView } from './eventView.js';

/**
 * What a `#` in an expected marble must match: a message (string), an error (name and message),
 * or some of `name`, `message`, `code`. Left out, any error matches.
 *
 * @example
 * ```ts
 * expectAgent(tool).toEmit('--#', {}, 'rate limited');
 * expectAgent(slow.pipe(timeout(50))).toEmit('50ms #', {}, { code: 'AGENT_TIMEOUT' });
 * ```
 */
export type ExpectedError =
  | string
  | Error
  | { readonly name?: string; readonly message?: string; readonly code?: string };

/**
 * One entry of the timelines that `toEmit` compares (and hands to a custom `assertDeepEqual`).
 *
 * @example
 * ```ts
 * import type { TimelineEntry } from '@rxagents/testing';
 * const timeline: TimelineEntry[] = [
 *   { frame: 2, next: { author: 'writer', branch: 'flow.writer', content: 'draft' } },
 *   { frame: 3, complete: true },
 * ];
 * ```
 */
export type TimelineEntry =
  | { readonly frame: number; readonly next: EventView }
  | { readonly frame: number; readonly error: true | Readonly<Record<string, unknown>> }
  | { readonly frame: number; readonly complete: true };

/**
 * What {@link AgentExpectation.toPause} compares of each pending request: the fields given.
 *
 * @example
 * ```ts
 * import type { ExpectedRequest } from '@rxagents/testing';
 * const expected: ExpectedRequest = { author: 'approver', kind: 'input', payload: { prompt: 'Publish?' } };
 * ```
 */
export type ExpectedRequest = Partial<
  Pick<PendingRequest, 'id' | 'kind' | 'payload' | 'author' | 'branch' | 'callId'>
>;
