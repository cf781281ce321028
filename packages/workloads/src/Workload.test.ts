import { InMemorySessionService, sequentialIds } from '@rxagents/core';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { failing, judge, liveCounter, step, virtual } from '../test/helpers.js';
import type { DeploymentConfig } from './DeploymentConfig.js';
import type { StatusUpdate } from './DeploymentStatus.js';
import { DeploymentNotFoundError, InvalidDeploymentConfigError } from './errors.js';
import { Workload } from './Workload.js';

function workloadOn(scheduler: TestScheduler): Workload {
  return new Workload({
    scheduler,
    idGenerator: sequentialIds(),
    sessionService: new InMemorySessionService(),
  });
}

const config = (counter?: ReturnType<typeof liveCounter>): DeploymentConfig => ({
  goal: 'ship the app',
  phases: [
    { name: 'build', agent: step('builder', 10, 'built', counter) },
    { name: 'ship', agent: step('shipper', 20, 'shipped', counter) },
  ],
});

describe('Workload', () => {
  it('deploys, starts and lists a deployment, which runs to completion', () => {
    virtual((scheduler) => {
      const workload = workloadOn(scheduler);
      const id = workload.deploy(config());
      expect(id).toBe('deployment-id1');
      expect(workload.status(id)).toEqual({ phase: 'build', status: 'running', at: 0 });
      expect(workload.list()).toEqual([
        { id, goal: 'ship the app', phase: 'build', status: 'running', at: 0 },
      ]);
      const seen: StatusUpdate[] = [];
      workload.status$(id).subscribe((u) => seen.push(u));
      scheduler.flush();
      expect(seen.map((u) => u.status)).toEqual(['running', 'running', 'completed']);
      expect(workload.logs(id, 1)).toEqual(['[1970-01-01 00:00:00] Goal reached: deployment completed']);
      expect(workload.stop(id)).toBe(false);
    });
  });

  it('logs$ replays the lines written before it was subscribed, then the live ones, each once', () => {
    virtual((scheduler) => {
      const workload = workloadOn(scheduler);
      const id = workload.deploy(config());
      const lines: string[] = [];
      workload.logs$(id).subscribe((l) => lines.push(l));
      expect(lines).toEqual([
        "[1970-01-01 00:00:00] Deployment 'deployment-id1' started: ship the app",
        "[1970-01-01 00:00:00] Phase 'build' started",
      ]);
      scheduler.flush();
      expect(lines).toEqual(workload.logs(id, 1000));
      expect(lines.at(-1)).toBe('[1970-01-01 00:00:00] Goal reached: deployment completed');
    });
  });

  it('keeps deployments isolated: stopping one never affects another', () => {
    virtual((scheduler) => {
      const workload = workloadOn(scheduler);
      const a = workload.deploy({ ...config(), deploymentId: 'a' });
      const b = workload.deploy({ ...config(), deploymentId: 'b' });
      scheduler.schedule(() => expect(workload.stop(a)).toBe(true), 5);
      scheduler.flush();
      expect(workload.status(a).status).toBe('stopped');
      expect(workload.status(b).status).toBe('completed');
      expect(workload.get(a).sessionKey.sessionId).toBe('a');
      expect(workload.logs(b).some((l) => l.includes('Stopped'))).toBe(false);
    });
  });

  it('resumes a stopped deployment with start, and start is false otherwise', () => {
    virtual((scheduler) => {
      const workload = workloadOn(scheduler);
      const id = workload.deploy(config());
      expect(workload.start(id)).toBe(false);
      scheduler.schedule(() => workload.stop(id), 15);
      scheduler.schedule(() => expect(workload.start(id)).toBe(true), 50);
      scheduler.flush();
      expect(workload.status(id)).toEqual({ phase: 'ship', status: 'completed', at: 70 });
      expect(workload.stop(id)).toBe(false);
    });
  });

  it('records failure of a phase', () => {
    virtual((scheduler) => {
      const workload = workloadOn(scheduler);
      const id = workload.deploy({ goal: 'g', phases: [{ name: 'build', agent: failing('builder', 5) }] });
      scheduler.flush();
      expect(workload.status(id).status).toBe('failed');
      expect(workload.stop(id)).toBe(false);
    });
  });

  it('retries the phases when the evaluator says the goal is not met', () => {
    virtual((scheduler) => {
      const workload = workloadOn(scheduler);
      const id = workload.deploy({
        goal: 'g',
        phases: config().phases,
        evaluator: judge('judge', [false, true]),
        maxAttempts: 2,
      });
      scheduler.flush();
      expect(workload.status(id)).toEqual({ phase: 'evaluation', status: 'completed', at: 60 });
    });
  });

  it('cleans up a deployment and forgets it', () => {
    virtual((scheduler) => {
      const workload = workloadOn(scheduler);
      const id = workload.deploy(config());
      expect(workload.cleanup(id)).toEqual({ status: 'cleaned' });
      expect(workload.list()).toEqual([]);
      expect(scheduler.actions).toHaveLength(0);
      expect(() => workload.status(id)).toThrow(DeploymentNotFoundError);
    });
  });

  it('throws a typed DeploymentNotFoundError for unknown ids', () => {
    const workload = new Workload();
    const calls: (() => unknown)[] = [
      () => workload.status('nope'),
      () => workload.status$('nope'),
      () => workload.logs('nope'),
      () => workload.logs$('nope'),
      () => workload.stop('nope'),
      () => workload.start('nope'),
      () => workload.cleanup('nope'),
      () => workload.get('nope'),
    ];
    for (const call of calls) {
      try {
        call();
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(DeploymentNotFoundError);
        expect((error as DeploymentNotFoundError).deploymentId).toBe('nope');
        expect((error as DeploymentNotFoundError).code).toBe('DEPLOYMENT_NOT_FOUND');
        expect((error as Error).message).toBe("Deployment 'nope' not found");
      }
    }
  });

  it('validates configs and never starts a bad one', () => {
    virtual((scheduler) => {
      const workload = workloadOn(scheduler);
      expect(workload.validateConfig(config())).toEqual([]);
      expect(workload.validateConfig(null)).toEqual([{ field: 'config', message: 'must be an object' }]);
      const bad = {
        goal: ' ',
        phases: [
          { name: 'a', agent: {} },
          { name: 'a', agent: step('x', 1) },
        ],
        maxAttempts: 2,
      };
      expect(workload.validateConfig(bad)).toEqual([
        { field: 'goal', message: 'must be a non-empty string' },
        { field: 'maxAttempts', message: 'needs an evaluator' },
        { field: 'phases[0].agent', message: 'must be an agent' },
        { field: 'phases[1].name', message: "'a' is used by another phase" },
      ]);
      expect(() => workload.deploy(bad as unknown as DeploymentConfig)).toThrow(InvalidDeploymentConfigError);
      expect(workload.list()).toEqual([]);
      expect(scheduler.actions).toHaveLength(0);
      workload.deploy({ ...config(), deploymentId: 'taken' });
      expect(workload.validateConfig({ ...config(), deploymentId: 'taken' })).toEqual([
        { field: 'deploymentId', message: "'taken' is already deployed" },
      ]);
    });
  });

  it('runs 1,000 deployments at once and leaves nothing running after stopping them all', () => {
    virtual((scheduler) => {
      const counter = liveCounter();
      const workload = workloadOn(scheduler);
      const shared = config(counter); // the same agents serve every deployment
      const ids = Array.from({ length: 1000 }, () => workload.deploy(shared));
      expect(new Set(ids).size).toBe(1000);
      scheduler.schedule(() => {
        expect(counter.live).toBe(1000);
        expect(workload.list().every((d) => d.phase === 'ship' && d.status === 'running')).toBe(true);
        for (const id of ids) expect(workload.stop(id)).toBe(true);
        expect(counter.live).toBe(0);
        expect(scheduler.actions).toHaveLength(0);
      }, 15);
      scheduler.flush();
      expect(workload.list().every((d) => d.status === 'stopped' && d.at === 15)).toBe(true);
      for (const id of ids) workload.cleanup(id);
      expect(workload.list()).toEqual([]);
      expect(scheduler.actions).toHaveLength(0);
    });
  });
});
