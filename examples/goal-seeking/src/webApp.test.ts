import { InMemorySessionService, type Session } from '@rxagents/core';
import { type StatusUpdate, Workload } from '@rxagents/workloads';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { retryConfig, straightConfig } from './webApp.js';

function virtual(test: (scheduler: TestScheduler) => void): void {
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  scheduler.run(() => test(scheduler));
}

describe('goal-seeking example', () => {
  it('reaches the web-app goal in phases', () => {
    virtual((scheduler) => {
      const workload = new Workload({ scheduler });
      const id = workload.deploy(straightConfig());
      const seen: StatusUpdate[] = [];
      workload.status$(id).subscribe((s) => seen.push(s));
      scheduler.flush();
      expect(seen.map((s) => `${s.phase}:${s.status}@${s.at}`)).toEqual([
        'plan:running@0',
        'build:running@300',
        'deploy:running@700',
        'deploy:completed@1200',
      ]);
      expect(workload.logs(id, 2)).toEqual([
        "[1970-01-01 00:00:01] Phase 'deploy' completed",
        '[1970-01-01 00:00:01] Goal reached: deployment completed',
      ]);
    });
  });

  it('retries the phases when the LLM evaluator finds the goal unmet, then completes', () => {
    virtual((scheduler) => {
      const sessionService = new InMemorySessionService();
      const workload = new Workload({ scheduler, sessionService });
      const id = workload.deploy(retryConfig(100));
      scheduler.flush();
      expect(workload.status(id)).toEqual({ phase: 'evaluation', status: 'completed', at: 2600 });
      const logs = workload.logs(id);
      expect(logs).toContain(
        '[1970-01-01 00:00:01] Goal not met (attempt 1/3): the site answers on HTTP only',
      );
      expect(logs).toContain("[1970-01-01 00:00:01] Phase 'plan' started (attempt 2/3)");
      expect(logs).toContain(
        '[1970-01-01 00:00:02] Goal met (attempt 2/3): HTTPS works and the health check passes',
      );
      let session: Session | undefined;
      sessionService.getSession(workload.get(id).sessionKey).subscribe((s) => (session = s));
      expect(session!.state.get('deployment:status')).toBe('completed');
      expect(session!.state.get('deployment:attempt')).toBe(2);
    });
  });

  it('stops both deployments mid-run without touching each other', () => {
    virtual((scheduler) => {
      const workload = new Workload({ scheduler });
      const a = workload.deploy(straightConfig());
      const b = workload.deploy(retryConfig(100));
      scheduler.schedule(() => expect(workload.stop(a)).toBe(true), 500);
      scheduler.flush();
      expect(workload.status(a)).toEqual({ phase: 'build', status: 'stopped', at: 500 });
      expect(workload.status(b).status).toBe('completed');
      expect(scheduler.actions).toHaveLength(0);
    });
  });

  it('cancels an in-flight model call when stopped during evaluation, and resumes at the evaluation', () => {
    virtual((scheduler) => {
      const workload = new Workload({ scheduler });
      const id = workload.deploy(retryConfig(100));
      scheduler.schedule(() => {
        expect(workload.status(id).phase).toBe('evaluation');
        expect(workload.stop(id)).toBe(true);
        expect(scheduler.actions).toHaveLength(0); // the model's latency timer is gone
        scheduler.schedule(() => expect(workload.start(id)).toBe(true), 750);
      }, 1250);
      scheduler.flush();
      const logs = workload.logs(id);
      expect(logs).toContain("[1970-01-01 00:00:01] Stopped during phase 'evaluation'");
      expect(logs).toContain("[1970-01-01 00:00:02] Resuming at phase 'evaluation' (attempt 1)");
      expect(logs.filter((l) => l.includes("Phase 'plan' started (attempt 1/3)"))).toHaveLength(1);
      expect(workload.status(id).status).toBe('completed');
    });
  });
});
