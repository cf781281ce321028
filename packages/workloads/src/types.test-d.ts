import { agent } from '@rxagents/core';
import { EMPTY } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import type { DeploymentConfig } from './DeploymentConfig.js';
import type { StatusUpdate } from './DeploymentStatus.js';
import { Workload } from './Workload.js';

const a = agent('a', () => EMPTY);

describe('DeploymentConfig', () => {
  it('accepts maxAttempts and verdict only with an evaluator', () => {
    const ok: DeploymentConfig = {
      goal: 'g',
      phases: [{ name: 'p', agent: a }],
      evaluator: a,
      maxAttempts: 2,
    };
    expectTypeOf(ok).toExtend<DeploymentConfig>();
    // @ts-expect-error maxAttempts needs an evaluator
    const bad: DeploymentConfig = { goal: 'g', phases: [{ name: 'p', agent: a }], maxAttempts: 2 };
    void bad;
  });

  it('types the status stream and the deploy result', () => {
    const workload = new Workload();
    expectTypeOf(workload.deploy).returns.toEqualTypeOf<string>();
    expectTypeOf(workload.status).returns.toEqualTypeOf<StatusUpdate>();
    expectTypeOf<StatusUpdate['status']>().toEqualTypeOf<
      'pending' | 'running' | 'waiting' | 'completed' | 'failed' | 'stopped'
    >();
    expectTypeOf(workload.cleanup).returns.toEqualTypeOf<{ readonly status: 'cleaned' }>();
  });
});
