// Fixtures shared by the graph's test files (not exported from the package).
import { defer, map, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import { agent } from '../src/FunctionAgent.js';
import { graph } from '../src/graph/graph.js';
import { END, type NodeFn } from '../src/graph/graphTypes.js';
import { say } from './helpers.js';

export const testScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
export const increment: NodeFn = (s) => ({ n: Number(s.n ?? 0) + 1 });

/** A graph that counts `n` up and routes back to `count` until `n` reaches `until`. */
export function counting(until: number, maxSteps?: number) {
  return graph('g', {
    nodes: { count: increment, check: say('check') },
    start: 'count',
    edges: [
      { from: 'count', to: 'check' },
      { from: 'check', route: (s) => (Number(s.n) < until ? 'count' : END) },
    ],
    ...(maxSteps === undefined ? {} : { maxSteps }),
  });
}

/**
 * A graph whose one node, `visit`, routes back to itself forever, each visit an empty event after
 * 10 ms of the run's scheduler; `visits()` counts the visits started, to check that stopping stops.
 */
export function revisiting(maxSteps?: number) {
  let visits = 0;
  const visit = agent('visit', (ctx) =>
    defer(() => {
      visits++;
      return timer(10, ctx.scheduler).pipe(map(() => ctx.newEvent({})));
    }),
  );
  const g = graph('g', {
    nodes: { visit },
    start: 'visit',
    edges: [{ from: 'visit', route: () => 'visit' }],
    ...(maxSteps === undefined ? {} : { maxSteps }),
  });
  return { graph: g, visits: () => visits };
}
