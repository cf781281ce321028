// Helpers for the core's virtual-time (marble) tests.
import { map, type Observable, type SchedulerLike } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import type { BaseAgent } from '../src/BaseAgent.js';
import { rootContext } from './helpers.js';

/** A TestScheduler that compares frames with vitest's deep equality. */
export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** The authors of what `root` emits, run on `scheduler` (virtual time): what marble tests compare. */
export function authorsOf(root: BaseAgent, scheduler: SchedulerLike): Observable<string> {
  return root.runAsync(rootContext(root, { scheduler })).pipe(map((e) => e.author));
}
