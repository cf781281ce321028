import {
  InMemorySessionService,
  InvalidAnswerError,
  sequentialIds,
  UnknownRequestError,
} from '@rxagents/core';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { asking, metFrom, step, virtual } from '../test/helpers.js';
import type { DeploymentConfig } from './DeploymentConfig.js';
import type { StatusUpdate } from './DeploymentStatus.js';
import { DeploymentNotFoundError, DeploymentNotWaitingError } from './errors.js';
import { Workload } from './Workload.js';

function setup(scheduler: TestScheduler) {
  const sessions = new InMemorySessionService();
  const workload = new Workload({ scheduler, idGenerator: sequentialIds(), sessionService: sessions });
  const events = (id: string) =>
    sessions.getOrCreateSessionSync({ appName: 'workloads', userId: 'workload', sessionId: id }).events;
  return { workload, events };
}

const review = [{ name: 'review', agent: asking('reviewer') }];

// A workload with deployment 'd1' that has run until its phases ask for input (virtual time).
function waiting(scheduler: TestScheduler, config: Omit<DeploymentConfig, 'goal'> = { phases: review }) {
  const { workload, events } = setup(scheduler);
  const id = workload.deploy({ deploymentId: 'd1', goal: 'ship', ...config } as DeploymentConfig);
  scheduler.flush();
  return { workload, events, id, requestId: workload.status(id).requests![0]!.id };
}

function errorOf(source: { subscribe: (o: { error: (e: unknown) => void }) => unknown }): unknown {
  let caught: unknown;
  source.subscribe({ error: (e) => (caught = e) });
  return caught;
}

describe('Workload: a deployment that asks for input', () => {
  it('waits with its request in status, list and status$, and goes on where it paused when answered', () => {
    virtual((scheduler) => {
      const { workload, events } = setup(scheduler);
      const id = workload.deploy({
        deploymentId: 'd1',
        goal: 'ship',
        phases: [
          { name: 'build', agent: step('builder', 10, 'built') },
          { name: 'review', agent: asking('reviewer') },
          { name: 'ship', agent: step('shipper', 5, 'shipped') },
        ],
      });
      const seen: StatusUpdate[] = [];
      workload.status$(id).subscribe((u) => seen.push(u));
      scheduler.flush();
      const waiting = workload.status(id);
      expect(waiting).toMatchObject({ phase: 'review', status: 'waiting', at: 10 });
      expect(waiting.requests).toHaveLength(1);
      const request = waiting.requests![0]!;
      expect(request).toMatchObject({
        kind: 'input',
        author: 'reviewer',
        payload: { prompt: 'Approve reviewer?' },
      });
      expect(request.schema).toMatchObject({ type: 'object', required: ['approved'] });
      expect(workload.list()).toEqual([{ id, goal: 'ship', ...waiting }]);
      expect(workload.logs(id, 1)[0]).toContain(
        `Waiting for input in phase 'review': '${request.id}' (input)`,
      );
      const before = events(id).map((e) => e.id);

      let done = false;
      workload.respond(id, request.id, { approved: true }).subscribe({ complete: () => (done = true) });
      scheduler.flush();
      expect(done).toBe(true);
      expect(workload.status(id)).toMatchObject({ phase: 'ship', status: 'completed' });
      expect(workload.status(id).requests).toBeUndefined();
      expect(seen.map((u) => `${u.phase}:${u.status}`)).toEqual([
        'build:running',
        'review:running',
        'review:waiting',
        'review:running',
        'ship:running',
        'ship:completed',
      ]);
      const log = events(id);
      expect(log.filter((e) => e.author === 'builder')).toHaveLength(1);
      expect(log.slice(0, before.length).map((e) => e.id)).toEqual(before);
      expect(new Set(log.map((e) => e.id)).size).toBe(log.length);
      expect(log.filter((e) => e.actions.inputAnswers !== undefined)).toHaveLength(1);
      expect(workload.logs(id).some((l) => l.includes(`Answered '${request.id}'`))).toBe(true);
    });
  });

  it('refuses a bad answer, an unknown request, an unknown deployment and one not waiting, changing nothing', () => {
    virtual((scheduler) => {
      const { workload, events, id, requestId } = waiting(scheduler);
      const stored = events(id).length;

      const bad = errorOf(workload.respond(id, requestId, { approved: 'yes' }));
      expect(bad).toBeInstanceOf(InvalidAnswerError);
      expect((bad as InvalidAnswerError).requestId).toBe(requestId);
      scheduler.flush();
      expect(workload.status(id).status).toBe('waiting');
      expect(events(id)).toHaveLength(stored);

      const unknown = errorOf(workload.respond(id, 'nope', true));
      expect(unknown).toBeInstanceOf(UnknownRequestError);
      expect((unknown as UnknownRequestError).message).toContain(requestId);
      expect(errorOf(workload.respond('ghost', requestId, true))).toBeInstanceOf(DeploymentNotFoundError);

      workload.respond(id, requestId, { approved: false }).subscribe();
      scheduler.flush();
      expect(workload.status(id).status).toBe('completed');
      const late = errorOf(workload.respond(id, requestId, { approved: true }));
      expect(late).toBeInstanceOf(DeploymentNotWaitingError);
      expect(late).toMatchObject({ code: 'DEPLOYMENT_NOT_WAITING', status: 'completed' });
    });
  });

  it('keeps the attempt: a phase asking again on the second attempt is answered, and the evaluation goes on', () => {
    virtual((scheduler) => {
      const {
        workload,
        events,
        id,
        requestId: first,
      } = waiting(scheduler, {
        phases: [{ name: 'build', agent: step('builder', 10, 'built') }, ...review],
        evaluator: metFrom('judge', 2),
        maxAttempts: 3,
      });
      workload.respond(id, first, { approved: true }).subscribe();
      scheduler.flush();
      expect(workload.status(id)).toMatchObject({ phase: 'review', status: 'waiting' });
      const second = workload.status(id).requests![0]!.id;
      expect(second).not.toBe(first);
      expect(workload.get(id).getSnapshot().attempt).toBe(2);
      workload.respond(id, second, { approved: true }).subscribe();
      scheduler.flush();
      expect(workload.status(id)).toMatchObject({ phase: 'evaluation', status: 'completed' });
      const state = events(id).at(-1)!.actions.stateDelta;
      expect(state['deployment:evaluation']).toEqual({ attempt: 2, met: true, reason: 'ok' });
      expect(events(id).filter((e) => e.author === 'builder')).toHaveLength(2);
      expect(events(id).filter((e) => e.author === 'judge')).toHaveLength(2);
    });
  });

  it('stopped while waiting, waits again on start with the same request, not a new one', () => {
    virtual((scheduler) => {
      const { workload, events, id, requestId } = waiting(scheduler);
      expect(workload.stop(id)).toBe(true);
      scheduler.flush();
      expect(workload.status(id).status).toBe('stopped');
      expect(errorOf(workload.respond(id, requestId, { approved: true }))).toBeInstanceOf(
        DeploymentNotWaitingError,
      );
      expect(workload.start(id)).toBe(true);
      scheduler.flush();
      expect(workload.status(id).status).toBe('waiting');
      expect(workload.status(id).requests!.map((r) => r.id)).toEqual([requestId]);
      expect(events(id).filter((e) => e.actions.requestInput !== undefined)).toHaveLength(1);
      workload.respond(id, requestId, { approved: true }).subscribe();
      scheduler.flush();
      expect(workload.status(id).status).toBe('completed');
    });
  });

  it('unsubscribing respond before the answer is committed cancels the resume: still waiting, nothing stored', () => {
    virtual((scheduler) => {
      const { workload, events, id, requestId } = waiting(scheduler, {
        // The resume re-runs the build step (10 ms of virtual time) before it reaches the answer.
        phases: [{ name: 'build', agent: step('builder', 10, 'built') }, ...review],
      });
      const stored = events(id).length;
      const sub = workload.respond(id, requestId, { approved: true }).subscribe();
      scheduler.schedule(() => sub.unsubscribe(), 5);
      scheduler.flush();
      expect(workload.status(id).status).toBe('waiting');
      expect(events(id)).toHaveLength(stored);
      let done = false;
      workload.respond(id, requestId, { approved: true }).subscribe({ complete: () => (done = true) });
      scheduler.flush();
      expect(done).toBe(true);
      expect(workload.status(id).status).toBe('completed');
    });
  });
});
