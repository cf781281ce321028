// Fixtures shared by the graph's test files (not exported from the package).
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
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
