import { describe, expect, it } from 'vitest';
import { collect, rootContext, say } from '../../test/helpers.js';
import { ChildBranch } from './ChildBranch.js';

describe('ChildBranch', () => {
  it('appends the name to the caller’s branch, the name alone at the top, for whichever caller comes', () => {
    const branches = new ChildBranch('b');
    expect(branches.under('')).toBe('b');
    expect(branches.under('x')).toBe('x.b');
    expect(branches.under('x')).toBe('x.b');
    expect(branches.under('y.z')).toBe('y.z.b');
    expect(branches.under('')).toBe('b');
    expect(branches.under('x')).toBe('x.b');
  });

  it('gives an agent run under callers in turn the branch of each', () => {
    const step = say('step');
    const ctx = rootContext(step);
    const branches = ['p', 'q', 'q', 'p', ''].map(
      (caller) => collect(step.runAsync(ctx.derive(step, caller)))[0]?.branch,
    );
    expect(branches).toEqual(['p.step', 'q.step', 'q.step', 'p.step', 'step']);
  });
});
