// W8's workload, shared by the bench (w8bullmq.ts) and its worker processes (w8worker.ts): a
// sequence of three function agents, one event with a one-key state delta each, and the same
// events written by hand for the raw-BullMQ floor.
import { agent, type BaseAgent, type Event, sequence, text } from '@rxagents/core';
import { of } from 'rxjs';

/** The agents of the sequence and the delta each writes. */
export const STEPS = [
  ['a', 1],
  ['b', 2],
  ['c', 3],
] as const;

/** The queue RemoteRunner's workers take jobs from, and the floor's. */
export const QUEUE = 'w8';
export const FLOOR_QUEUE = 'w8floor';
/** Jobs each worker process runs at once (both systems). */
export const WORKER_CONCURRENCY = 32;

/** The rxagents flow: `sequence(a, b, c)`, each emitting one text event with its delta. */
export function flow(): BaseAgent {
  return sequence(
    'flow',
    STEPS.map(([name, value]) =>
      agent(name, (ctx) =>
        of(ctx.newEvent({ content: text(`${name} done`), actions: { stateDelta: { [name]: value } } })),
      ),
    ),
  );
}

/**
 * The floor's events for one invocation: what the rxagents flow emits (ids after the user event,
 * authors, branches, texts, deltas), built as plain objects.
 */
export function floorEvents(invocationId: string): Event[] {
  return STEPS.map(([name, value], i) => ({
    id: `${invocationId}-e${i + 2}`,
    invocationId,
    author: name,
    branch: `flow.${name}`,
    timestamp: Date.now(),
    content: { role: 'model', parts: [{ text: `${name} done` }] },
    actions: { stateDelta: { [name]: value } },
  }));
}

/** What the bench compares between systems: the events without their timestamps, and the state. */
export function outcome(events: readonly Event[]): string {
  const state: Record<string, unknown> = {};
  const seen = events.map((e) => {
    Object.assign(state, e.actions.stateDelta);
    const part = e.content?.parts[0];
    return [e.id, e.author, e.branch, part !== undefined && 'text' in part ? part.text : null];
  });
  return JSON.stringify({ seen, state });
}

/** The stream a floor job writes its entries to. */
export function floorStream(prefix: string, invocationId: string): string {
  return `${prefix}:floor:events:${invocationId}`;
}
