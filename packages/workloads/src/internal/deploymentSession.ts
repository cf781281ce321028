import {
  type BaseAgent,
  type Event,
  type IdGenerator,
  InvocationContext,
  type JsonValue,
  type Session,
  type SessionKey,
  type SessionService,
} from '@rxagents/core';
import { concatMap, type Observable, of, type SchedulerLike } from 'rxjs';
import type { StatusUpdate } from '../DeploymentStatus.js';
import type { GoalSeekerSnapshot } from '../GoalSeekerSnapshot.js';

/** The deployment's session: loaded, or created on its first start. */
export function loadSession(service: SessionService, key: SessionKey): Observable<Session> {
  return service
    .getSession(key)
    .pipe(concatMap((found) => (found === undefined ? service.createSession(key) : of(found))));
}

/** A goal-seeker event outside a run (stop, restore), stamped like any other. */
export function goalSeekerEvent(
  agent: BaseAgent,
  session: Session,
  scheduler: SchedulerLike,
  idGenerator: IdGenerator | undefined,
  stateDelta: Readonly<Record<string, JsonValue>>,
): Event {
  return InvocationContext.create({
    agent,
    session,
    scheduler,
    ...(idGenerator === undefined ? {} : { idGenerator }),
  }).newEvent({ branch: agent.name, actions: { stateDelta } });
}

/** Where a deployment stands before its first start: `pending`, or a snapshot's (a run that was live comes back `stopped`). */
export function initialStatus(
  firstPhase: string,
  snapshot: GoalSeekerSnapshot | undefined,
  now: number,
): StatusUpdate {
  if (snapshot === undefined) return { phase: firstPhase, status: 'pending', at: now };
  const { phase, status, at } = snapshot;
  return { phase, status: status === 'running' || status === 'waiting' ? 'stopped' : status, at };
}
