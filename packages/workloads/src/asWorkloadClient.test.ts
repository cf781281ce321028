import { InMemorySessionService, UnknownRequestError } from '@rxagents/core';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { asking, step } from '../test/helpers.js';
import { asWorkloadClient } from './asWorkloadClient.js';
import { DeploymentNotFoundError } from './errors.js';
import { Workload } from './Workload.js';

// The deployments run in virtual time (flushed by hand); the client's Promises settle between.
function setup() {
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  const workload = new Workload({ scheduler, sessionService: new InMemorySessionService() });
  return { scheduler, workload, client: asWorkloadClient(workload) };
}

describe('asWorkloadClient', () => {
  it("answers each command with the workload's own answer", async () => {
    const { scheduler, workload, client } = setup();
    const id = workload.deploy({
      deploymentId: 'd1',
      goal: 'ship',
      phases: [{ name: 'build', agent: step('builder', 10) }],
    });
    expect(await client.status(id)).toMatchObject({ phase: 'build', status: 'running' });
    expect(await client.stop(id)).toBe(true);
    expect(await client.stop(id)).toBe(false);
    expect(await client.start(id)).toBe(true);
    scheduler.flush();
    expect(await client.list()).toEqual([{ id, goal: 'ship', ...workload.status(id) }]);
    expect((await client.logs(id, 1))[0]).toContain('Goal reached: deployment completed');
    expect(await client.logs(id)).toEqual(workload.logs(id));
    expect(await client.cleanup(id)).toEqual({ status: 'cleaned' });
    await expect(client.status(id)).rejects.toBeInstanceOf(DeploymentNotFoundError);
  });

  it('respond resolves once the answer is committed and rejects a request that is not asked', async () => {
    const { scheduler, workload, client } = setup();
    const id = workload.deploy({ goal: 'ship', phases: [{ name: 'review', agent: asking('reviewer') }] });
    scheduler.flush();
    const [request] = (await client.status(id)).requests ?? [];
    await expect(client.respond(id, 'nope', true)).rejects.toBeInstanceOf(UnknownRequestError);
    await client.respond(id, request!.id, { approved: true });
    scheduler.flush();
    expect((await client.status(id)).status).toBe('completed');
  });
});
