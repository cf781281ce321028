import { type Event, InMemorySessionService, Runner, sequentialIds } from '@rxagents/core';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { judge, step } from '../test/helpers.js';
import { deploymentProjector } from './deploymentProjector.js';
import { GoalSeekingAgent } from './GoalSeekingAgent.js';

const phases = [
  { name: 'build', agent: step('builder', 1000) },
  { name: 'ship', agent: step('shipper', 2000) },
];

describe('deploymentProjector', () => {
  it("turns a run's events into the status changes and log lines of the deployment's own log", () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(() => {
      // A judge each: the test double counts its calls.
      const options = (deploymentId: string) =>
        ({
          deploymentId,
          goal: 'g',
          phases,
          evaluator: judge('judge', [false, true]),
          maxAttempts: 2,
          scheduler,
        }) as const;
      const hosted = new GoalSeekingAgent(options('d1'));
      hosted.start();
      const bare = new GoalSeekingAgent(options('d2'));
      const runner = new Runner({
        appName: 'a',
        agent: bare,
        sessionService: new InMemorySessionService(),
        scheduler,
      });
      const events: Event[] = [];
      runner.run({ userId: 'u', sessionId: 's', newMessage: 'g' }).subscribe((e) => events.push(e));
      scheduler.flush();
      const project = deploymentProjector(bare, { phase: 'build', status: 'pending' });
      const projected = events.map(project);
      // The first line of the hosted log is the handle's own ("Deployment 'd1' started").
      expect(projected.flatMap((p) => p.lines)).toEqual(hosted.logs().slice(1));
      expect(projected.flatMap((p) => (p.change === undefined ? [] : [p.change]))).toEqual([
        { phase: 'build', status: 'running', attempt: 1 },
        { phase: 'ship', status: 'running', attempt: 1 },
        { phase: 'evaluation', status: 'running', attempt: 1 },
        { phase: 'build', status: 'running', attempt: 2 },
        { phase: 'ship', status: 'running', attempt: 2 },
        { phase: 'evaluation', status: 'running', attempt: 2 },
        { phase: 'evaluation', status: 'completed', attempt: 2 },
      ]);
    });
  });
});

describe('GoalSeekingAgent as an agent', () => {
  it('runs in two sessions at once, each from its own position: the agent holds no run state', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(() => {
      const seeker = new GoalSeekingAgent({ deploymentId: 'd1', goal: 'g', phases, scheduler });
      const sessionService = new InMemorySessionService();
      const runner = new Runner({
        appName: 'a',
        agent: seeker,
        sessionService,
        scheduler,
        idGenerator: sequentialIds(),
      });
      const statuses = (sessionId: string, seen: string[]) => {
        runner.run({ userId: 'u', sessionId, newMessage: 'g' }).subscribe((e) => {
          const status = e.actions.stateDelta['deployment:status'];
          if (e.author === seeker.name && status !== undefined)
            seen.push(`${String(e.actions.stateDelta['deployment:phase'])}:${String(status)}@${e.timestamp}`);
        });
      };
      const first: string[] = [];
      const second: string[] = [];
      statuses('s1', first);
      scheduler.schedule(() => statuses('s2', second), 500);
      scheduler.flush();
      expect(first).toEqual(['build:running@0', 'ship:running@1000', 'ship:completed@3000']);
      expect(second).toEqual(['build:running@500', 'ship:running@1500', 'ship:completed@3500']);
      // The handle never started: running the agent is not deploying it.
      expect(seeker.status.status).toBe('pending');
    });
  });
});
