import { agent, type Event, Runner, text } from '@rxagents/core';
import { firstValueFrom, of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { judge, step, virtual } from '../test/helpers.js';
import { seeker, sessionOf, threePhases } from '../test/seeker.js';
import { InvalidDeploymentConfigError } from './errors.js';
import { GoalSeekingAgent } from './GoalSeekingAgent.js';
import type { GoalSeekingAgentOptions } from './GoalSeekingAgentOptions.js';

describe('GoalSeekingAgent: its session, snapshot and options', () => {
  it('makes every status change visible as session state through event state deltas', () => {
    virtual((scheduler) => {
      const agent = seeker(scheduler);
      agent.start();
      scheduler.flush();
      const session = sessionOf(agent)!;
      const mine = session.events.filter((e) => e.author === 'goal_seeker');
      expect(
        mine.map(
          (e) => `${e.actions.stateDelta['deployment:phase']}:${e.actions.stateDelta['deployment:status']}`,
        ),
      ).toEqual(['plan:running', 'build:running', 'ship:running', 'ship:completed']);
      expect(session.state.get('deployment:goal')).toBe('ship the app');
      expect(session.events[0]!.author).toBe('user');
      const index = session.events.indexOf(mine[1]!);
      expect(session.stateAt(index)['deployment:phase']).toBe('build');
    });
  });

  it('runs as a plain agent under any Runner, emitting its and its phases’ events', () => {
    virtual((scheduler) => {
      const agent = seeker(scheduler);
      const runner = new Runner({ appName: 'other', agent, scheduler });
      const events: Event[] = [];
      runner.run({ userId: 'u', sessionId: 's' }).subscribe((e) => events.push(e));
      scheduler.flush();
      expect(events.map((e) => `${e.author}@${e.branch}`)).toEqual([
        'goal_seeker@goal_seeker',
        'planner@goal_seeker.planner',
        'goal_seeker@goal_seeker',
        'builder@goal_seeker.builder',
        'goal_seeker@goal_seeker',
        'shipper@goal_seeker.shipper',
        'goal_seeker@goal_seeker',
      ]);
      expect(agent.status.status).toBe('pending');
    });
  });

  it('cleans up: stops, completes its streams, deletes the session', () => {
    virtual((scheduler) => {
      const agent = seeker(scheduler);
      let statusDone = false;
      let logsDone = false;
      agent.status$.subscribe({ complete: () => (statusDone = true) });
      agent.logs$.subscribe({ complete: () => (logsDone = true) });
      agent.start();
      scheduler.schedule(() => expect(agent.cleanup()).toEqual({ status: 'cleaned' }), 5);
      scheduler.flush();
      expect(statusDone && logsDone).toBe(true);
      expect(scheduler.actions).toHaveLength(0);
      expect(sessionOf(agent)).toBeUndefined();
      expect(agent.status.status).toBe('stopped');
      expect(agent.logs().at(-1)).toContain('Cleaned up');
      expect(agent.start()).toBe(false);
      expect(agent.cleanup()).toEqual({ status: 'cleaned' });
    });
  });

  it('persists its position as JSON and resumes from it in a new session service', () => {
    virtual((scheduler) => {
      const first = seeker(scheduler, { evaluator: judge('judge', [true]) });
      first.start();
      scheduler.schedule(() => first.stop(), 15);
      scheduler.flush();
      const saved = JSON.parse(JSON.stringify(first.getSnapshot()));
      expect(saved).toEqual({
        deploymentId: 'd1',
        phase: 'build',
        phaseIndex: 1,
        attempt: 1,
        status: 'stopped',
        at: 15,
      });
      const again = seeker(scheduler, { evaluator: judge('judge2', [true]), snapshot: saved });
      expect(again.status).toEqual({ phase: 'build', status: 'stopped', at: 15 });
      expect(again.start()).toBe(true);
      scheduler.flush();
      expect(again.status.status).toBe('completed');
      expect(again.logs().some((l) => l.includes("Phase 'plan'"))).toBe(false);
    });
  });

  it('stops before starting', () => {
    virtual((scheduler) => {
      const agent = seeker(scheduler);
      expect(agent.stop()).toBe(true);
      expect(agent.status.status).toBe('stopped');
      expect(agent.start()).toBe(true);
      scheduler.flush();
      expect(agent.status.status).toBe('completed');
    });
  });

  it('rejects bad options with InvalidDeploymentConfigError listing every problem', () => {
    const bad = () =>
      new GoalSeekingAgent({ deploymentId: '', goal: '', phases: [] } as unknown as GoalSeekingAgentOptions);
    expect(bad).toThrow(InvalidDeploymentConfigError);
    expect(bad).toThrow(
      expect.objectContaining({
        code: 'INVALID_AGENT_CONFIG',
        problems: ['goal', 'deploymentId', 'phases'].map((field) => expect.objectContaining({ field })),
      }),
    );
  });

  it('reads its session through the session service Observable API', async () => {
    const agent = new GoalSeekingAgent({ deploymentId: 'x', goal: 'g', phases: threePhases() });
    expect(await firstValueFrom(agent.sessionService.getSession(agent.sessionKey))).toBeUndefined();
  });

  it('runs synchronous phases to completion inside start(), and stops them synchronously', () => {
    virtual((scheduler) => {
      const instant = (name: string) => step(name, 0);
      const phases = [
        { name: 'a', agent: agent('a', (ctx) => of(ctx.newEvent({ content: text('a') }))) },
        { name: 'b', agent: agent('b', (ctx) => of(ctx.newEvent({ content: text('b') }))) },
        { name: 'c', agent: instant('c') },
      ];
      const done = seeker(scheduler, {}, phases.slice(0, 2));
      done.start();
      expect(done.status.status).toBe('completed');
      const holder: { agent?: GoalSeekingAgent } = {};
      const stopped = seeker(
        scheduler,
        {
          onStatusChange: (phase, status) => {
            if (phase === 'b' && status === 'running') holder.agent!.stop();
          },
        },
        phases.slice(0, 2),
      );
      holder.agent = stopped;
      stopped.start();
      expect(stopped.status).toEqual({ phase: 'b', status: 'stopped', at: 0 });
      expect(stopped.logs().some((l) => l.includes('[b] b'))).toBe(false);
      expect(sessionOf(stopped)!.events.some((e) => e.author === 'b')).toBe(false);
    });
  });

  it('logs an onStatusChange that throws and carries on', () => {
    virtual((scheduler) => {
      const agent = seeker(scheduler, {
        onStatusChange: () => {
          throw new Error('listener broke');
        },
      });
      agent.start();
      scheduler.flush();
      expect(agent.status.status).toBe('completed');
      expect(agent.logs()).toContain('[1970-01-01 00:00:00] onStatusChange threw: listener broke');
    });
  });
});
