import { filter, type MonoTypeOperatorFunction } from 'rxjs';
import type { Event } from '../Event.js';

/**
 * Keeps the events on a branch or beneath it: `byBranch('root.checks')` keeps
 * `root.checks` and `root.checks.tone`, not `root.checksum`.
 * @example
 * ```ts
 * import { byBranch } from '@rxagents/core';
 * runner.run(request).pipe(byBranch('story_flow.refine'));
 * ```
 */
export function byBranch(prefix: string): MonoTypeOperatorFunction<Event> {
  const nested = `${prefix}.`;
  return filter((event) => event.branch === prefix || event.branch.startsWith(nested));
}
