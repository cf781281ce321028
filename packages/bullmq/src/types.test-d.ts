import type { Event, JsonValue, Runner } from '@rxagents/core';
import type { StatusUpdate } from '@rxagents/workloads';
import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import type { DistributedDeploymentInfo, DistributedWorkload } from './DistributedWorkload.js';
import type { RemoteRunner, RemoteRunRequest } from './RemoteRunner.js';
import type { AgentEntry, DeploymentEntry } from './startWorker.js';

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
