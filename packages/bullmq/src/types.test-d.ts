import type { BaseAgent, Event, JsonValue, Runner } from '@rxagents/core';
import type { StatusUpdate } from '@rxagents/workloads';
import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import type { DistributedDeploymentInfo, DistributedWorkload } from './DistributedWorkload.js';
import type { RemoteRunner, RemoteRunRequest } from './RemoteRunner.js';
import type { AgentEntry, DeploymentEntry, HostedDeploymentSpec } from './startWorker.js';

describe('RemoteRunner', () => {
  it('has Runner.run’s signature; resume only as answers (resuming an interrupted run is the worker’s)', () => {
    expectTypeOf<RemoteRunner['run']>().returns.toEqualTypeOf<Observable<Event>>();
    expectTypeOf<RemoteRunRequest['resume']>().toEqualTypeOf<
      Readonly<Record<string, JsonValue>> | undefined
    >();
    const answers: RemoteRunRequest = { userId: 'u', sessionId: 's', resume: { 'inv/a#1': true } };
    void answers;
    // a RemoteRunner stands in wherever a Runner's run is called with a plain request
    const run: RemoteRunner['run'] = null as unknown as Runner['run'];
    void run;
    // @ts-expect-error resume: true is not the caller's to set
    const withResume: RemoteRunRequest = { userId: 'u', sessionId: 's', resume: true };
    void withResume;
  });
});

describe('DistributedWorkload', () => {
  it('mirrors Workload with Promises', () => {
    expectTypeOf<DistributedWorkload['deploy']>().returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf<DistributedWorkload['status']>().returns.toEqualTypeOf<Promise<StatusUpdate>>();
    expectTypeOf<DistributedWorkload['stop']>().returns.toEqualTypeOf<Promise<boolean>>();
    expectTypeOf<DistributedWorkload['cleanup']>().returns.toEqualTypeOf<
      Promise<{ readonly status: 'cleaned' }>
    >();
    expectTypeOf<DistributedWorkload['list']>().returns.toEqualTypeOf<
      Promise<readonly DistributedDeploymentInfo[]>
    >();
    expectTypeOf<DistributedDeploymentInfo>().toExtend<StatusUpdate>();
  });

  it('registries take agents or factories, specs or functions of the request', () => {
    expectTypeOf<AgentEntry>().not.toBeAny();
    expectTypeOf<Extract<DeploymentEntry, (...args: never[]) => unknown>>()
      .parameter(0)
      .toEqualTypeOf<{ readonly deploymentId: string; readonly goal: string | undefined }>();
  });
});

describe('HostedDeploymentSpec', () => {
  it('takes a static spec without a goal (deploy supplies it), keeps phases required', () => {
    const phases = [{ name: 'build', agent: null as unknown as BaseAgent }];
    const goalless: DeploymentEntry = { phases };
    const withEvaluator: HostedDeploymentSpec = { phases, evaluator: phases[0]!.agent, maxAttempts: 2 };
    const built: DeploymentEntry = ({ goal }) => ({ phases, ...(goal === undefined ? {} : { goal }) });
    void [goalless, withEvaluator, built];
    // @ts-expect-error phases stay required
    const noPhases: HostedDeploymentSpec = { goal: 'x' };
    // @ts-expect-error maxAttempts only with an evaluator, as in DeploymentSpec
    const stray: HostedDeploymentSpec = { phases, maxAttempts: 2 };
    void [noPhases, stray];
  });
});
