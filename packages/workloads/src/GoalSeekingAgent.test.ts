import { describe, expect, it } from 'vitest';
import { failing, judge, liveCounter, step, virtual } from '../test/helpers.js';
import { FIRST_ATTEMPT, seeker, sessionOf, statuses, threePhases } from '../test/seeker.js';
import type { StatusUpdate } from './DeploymentStatus.js';
import type { GoalSeekingAgent } from './GoalSeekingAgent.js';
import type { Phase } from './Phase.js';

describe('GoalSeekingAgent', () => {
  it('runs the phases in order and reports each status with its scheduler time', () => {
    virtual((scheduler) => {
      const calls: string[] = [];
      const agent = seeker(scheduler, {
        onStatusChange: (phase, status) => calls.push(`${phase}:${status}`),
      });
      const seen: StatusUpdate[] = [];
      agent.status$.subscribe((u) => seen.push(u));
      expect(agent.start()).toBe(true);
      scheduler.flush();
      expect(statuses(seen)).toEqual([...FIRST_ATTEMPT, 'ship:completed@60']);
      expect(calls).toEqual(['plan:running', 'build:running', 'ship:running', 'ship:completed']);
    });
  });

  it('replays the current status to late subscribers', () => {
    virtual((scheduler) => {
      const agent = seeker(scheduler);
      agent.start();
      scheduler.flush();
      const late: StatusUpdate[] = [];
      agent.status$.subscribe((u) => late.push(u));
      expect(statuses(late)).toEqual(['ship:completed@60']);
    });
  });

  it('is idempotent on start', () => {
    virtual((scheduler) => {
      const agent = seeker(scheduler);
      expect(agent.start()).toBe(true);
      expect(agent.start()).toBe(false);
      scheduler.flush();
      expect(agent.start()).toBe(false);
      expect(agent.logs().filter((l) => l.includes("Phase 'plan' started"))).toHaveLength(1);
    });
  });

  it('writes log lines as [YYYY-MM-DD HH:MM:SS] message in UTC from the scheduler clock, live and on demand', () => {
    virtual((scheduler) => {
      const agent = seeker(scheduler, {}, [
        { name: 'plan', agent: step('planner', 1500) },
        { name: 'build', agent: step('builder', 2000) },
      ]);
      const live: string[] = [];
      agent.logs$.subscribe((l) => live.push(l));
      agent.start();
      scheduler.flush();
      expect(agent.logs()).toEqual([
        "[1970-01-01 00:00:00] Deployment 'd1' started: ship the app",
        "[1970-01-01 00:00:00] Phase 'plan' started",
        '[1970-01-01 00:00:01] [plan] planner done',
        "[1970-01-01 00:00:01] Phase 'plan' completed",
        "[1970-01-01 00:00:01] Phase 'build' started",
        '[1970-01-01 00:00:03] [build] builder done',
        "[1970-01-01 00:00:03] Phase 'build' completed",
        '[1970-01-01 00:00:03] Goal reached: deployment completed',
      ]);
      expect(live).toEqual(agent.logs());
      expect(agent.logs(2)).toEqual(agent.logs().slice(-2));
    });
  });

  it('keeps at most logCapacity lines, dropping the oldest', () => {
    virtual((scheduler) => {
      const agent = seeker(scheduler, { logCapacity: 3 });
      agent.start();
      scheduler.flush();
      expect(agent.logs()).toHaveLength(3);
      expect(agent.logs(100)).toHaveLength(3);
      expect(agent.logs(1)).toEqual([agent.logs()[2]]);
      expect(agent.logs(0)).toEqual([]);
      expect(agent.logs()[2]).toContain('Goal reached');
    });
  });

  it('stops mid-phase: cancels the in-flight timer, and no status or log line follows', () => {
    virtual((scheduler) => {
      const counter = liveCounter();
      const agent = seeker(scheduler, {}, threePhases(counter));
      const seen: StatusUpdate[] = [];
      agent.status$.subscribe((u) => seen.push(u));
      agent.start();
      scheduler.schedule(() => {
        expect(counter.live).toBe(1);
        expect(agent.stop()).toBe(true);
        expect(counter.live).toBe(0);
        expect(scheduler.actions).toHaveLength(0);
      }, 15);
      scheduler.flush();
      const lines = agent.logs();
      expect(lines.at(-1)).toBe("[1970-01-01 00:00:00] Stopped during phase 'build'");
      expect(statuses(seen).slice(-2)).toEqual(['build:running@10', 'build:stopped@15']);
      expect(lines.some((l) => l.includes('builder done'))).toBe(false);
      expect(agent.stop()).toBe(false);
      expect(sessionOf(agent)?.state.get('deployment:status')).toBe('stopped');
    });
  });

  it('resumes a stopped deployment at the phase it was in', () => {
    virtual((scheduler) => {
      let plans = 0;
      const counted = step('planner', 10);
      const phases: Phase[] = [
        { name: 'plan', agent: counted },
        { name: 'build', agent: step('builder', 20) },
        { name: 'ship', agent: step('shipper', 30) },
      ];
      const agent = seeker(
        scheduler,
        { onStatusChange: (p, s) => void (p === 'plan' && s === 'running' && plans++) },
        phases,
      );
      agent.start();
      scheduler.schedule(() => agent.stop(), 15);
      scheduler.schedule(() => expect(agent.start()).toBe(true), 100);
      scheduler.flush();
      expect(agent.status).toEqual({ phase: 'ship', status: 'completed', at: 150 });
      expect(plans).toBe(1);
      expect(agent.logs()).toContain("[1970-01-01 00:00:00] Resuming at phase 'build' (attempt 1)");
    });
  });

  it('stops synchronously from inside onStatusChange', () => {
    virtual((scheduler) => {
      const holder: { agent?: GoalSeekingAgent } = {};
      const agent = seeker(scheduler, {
        onStatusChange: (phase, status) => {
          if (phase === 'build' && status === 'running') holder.agent!.stop();
        },
      });
      holder.agent = agent;
      agent.start();
      scheduler.flush();
      expect(agent.status).toEqual({ phase: 'build', status: 'stopped', at: 10 });
      expect(scheduler.actions).toHaveLength(0);
      expect(agent.logs().some((l) => l.includes('builder done'))).toBe(false);
    });
  });

  it('fails when a phase errors, logs the error and runs no later phase', () => {
    virtual((scheduler) => {
      const counter = liveCounter();
      const agent = seeker(scheduler, {}, [
        { name: 'plan', agent: step('planner', 10) },
        { name: 'build', agent: failing('builder', 20, 'compiler crashed') },
        { name: 'ship', agent: step('shipper', 30, 'shipped', counter) },
      ]);
      agent.start();
      scheduler.flush();
      expect(agent.status).toEqual({ phase: 'build', status: 'failed', at: 30 });
      expect(agent.logs().at(-1)).toBe(
        "[1970-01-01 00:00:00] Failed: phase 'build' failed: compiler crashed",
      );
      expect(agent.logs().some((l) => l.includes("'ship'"))).toBe(false);
      const failed = sessionOf(agent)!.events.at(-1)!;
      expect(failed.errorCode).toBe('PHASE_FAILED');
      expect(failed.actions.stateDelta).toMatchObject({
        'deployment:status': 'failed',
        'deployment:phase': 'build',
      });
      expect(agent.stop()).toBe(false);
      expect(agent.start()).toBe(false);
    });
  });

  it('evaluates the goal and retries the phases while it is not met', () => {
    virtual((scheduler) => {
      const agent = seeker(scheduler, { evaluator: judge('judge', [false, true], 5), maxAttempts: 3 });
      const seen: StatusUpdate[] = [];
      agent.status$.subscribe((u) => seen.push(u));
      agent.start();
      scheduler.flush();
      expect(statuses(seen)).toEqual([
        ...FIRST_ATTEMPT,
        'evaluation:running@60',
        'plan:running@65',
        'build:running@75',
        'ship:running@95',
        'evaluation:running@125',
        'evaluation:completed@130',
      ]);
      expect(agent.logs()).toContain('[1970-01-01 00:00:00] Goal not met (attempt 1/3): checks fail');
      expect(agent.logs()).toContain("[1970-01-01 00:00:00] Phase 'plan' started (attempt 2/3)");
      expect(agent.logs()).toContain('[1970-01-01 00:00:00] Goal met (attempt 2/3): all checks pass');
      const state = sessionOf(agent)!.state;
      expect(state.get('deployment:evaluation')).toEqual({
        attempt: 2,
        met: true,
        reason: 'all checks pass',
      });
      expect(state.get('deployment:attempt')).toBe(2);
    });
  });

  it('fails with GOAL_NOT_MET when the attempts run out', () => {
    virtual((scheduler) => {
      const agent = seeker(scheduler, { evaluator: judge('judge', [false]), maxAttempts: 2 });
      agent.start();
      scheduler.flush();
      expect(agent.status.status).toBe('failed');
      expect(agent.status.phase).toBe('evaluation');
      const last = sessionOf(agent)!.events.at(-1)!;
      expect(last.errorCode).toBe('GOAL_NOT_MET');
      expect(agent.logs().at(-1)).toBe(
        '[1970-01-01 00:00:00] Failed: goal not met after 2 attempts: checks fail',
      );
    });
  });

  it('fails when the evaluator reports no verdict', () => {
    virtual((scheduler) => {
      const agent = seeker(scheduler, { evaluator: step('silent', 1) });
      agent.start();
      scheduler.flush();
      expect(agent.status.status).toBe('failed');
      expect(agent.logs().at(-1)).toContain("evaluator 'silent' reported no verdict");
    });
  });
});
