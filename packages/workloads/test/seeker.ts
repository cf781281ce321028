// The goal-seeker fixture of the GoalSeekingAgent tests (not exported): three timed phases, an
// agent on a TestScheduler with its own in-memory sessions and deterministic ids.
import { InMemorySessionService, type Session, sequentialIds } from '@rxagents/core';
import type { TestScheduler } from 'rxjs/testing';
import type { StatusUpdate } from '../src/DeploymentStatus.js';
import { GoalSeekingAgent } from '../src/GoalSeekingAgent.js';
import type { GoalSeekingAgentOptions } from '../src/GoalSeekingAgentOptions.js';
import type { Phase } from '../src/Phase.js';
import { type liveCounter, step } from './helpers.js';

export type Extra = Partial<Omit<GoalSeekingAgentOptions, 'deploymentId' | 'goal' | 'phases'>>;

/** plan (10 ms), build (20 ms), ship (30 ms). */
export function threePhases(counter?: ReturnType<typeof liveCounter>): Phase[] {
  return [
    { name: 'plan', agent: step('planner', 10, 'planner done', counter) },
    { name: 'build', agent: step('builder', 20, 'builder done', counter) },
    { name: 'ship', agent: step('shipper', 30, 'shipper done', counter) },
  ];
}

/** Deployment 'd1' toward 'ship the app'. */
export function seeker(
  scheduler: TestScheduler,
  extra: Extra = {},
  phases: readonly Phase[] = threePhases(),
) {
  return new GoalSeekingAgent({
    deploymentId: 'd1',
    goal: 'ship the app',
    phases,
    scheduler,
    sessionService: new InMemorySessionService(),
    idGenerator: sequentialIds('e'),
    ...extra,
  } as GoalSeekingAgentOptions);
}

/** The deployment's session as its (synchronous, in-memory) service has it now. */
export function sessionOf(agent: GoalSeekingAgent): Session | undefined {
  let found: Session | undefined;
  agent.sessionService.getSession(agent.sessionKey).subscribe((s) => (found = s));
  return found;
}

/** `phase:status@at` of each update. */
export const statuses = (updates: readonly StatusUpdate[]) =>
  updates.map((u) => `${u.phase}:${u.status}@${u.at}`);

/** What the three phases report up to the end of their first attempt. */
export const FIRST_ATTEMPT = ['plan:pending@0', 'plan:running@0', 'build:running@10', 'ship:running@30'];
