// How `expectAgent` turns a recorded run into what it compares: an error's fields, and the marble
// characters of the notifications.
import type { Event } from '@rxagents/core';
import { type ExpectedEvent, eventView, expectedView } from '../eventView.js';
import type { ExpectedError } from '../expectedOutcomes.js';
import type { AgentRecording } from '../recordAgent.js';
import { deepEqual } from './deepEqual.js';
import type { MarbleMark } from './renderMarble.js';

/** The fields of `error` that `like` asks about (name and message when it gives none). */
export function errorView(
  error: unknown,
  like: ExpectedError | undefined,
): Readonly<Record<string, unknown>> {
  const fields: Record<string, unknown> =
    typeof error === 'object' && error !== null
      ? (error as Record<string, unknown>)
      : { name: typeof error, message: String(error) };
  const pick = (keys: readonly string[]): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const key of keys) out[key] = key === 'name' && error instanceof Error ? error.name : fields[key];
    return out;
  };
  if (like === undefined || like instanceof Error) return pick(['name', 'message']);
  if (typeof like === 'string') return pick(['message']);
  return pick(Object.keys(like));
}

/** Each notification as its marble character: the key of the expected event it matches, `?` for none. */
export function marksOf(
  notifications: AgentRecording['notifications'],
  values: Readonly<Record<string, ExpectedEvent>>,
): MarbleMark[] {
  const keys = Object.keys(values);
  return notifications.map(({ frame, notification }): MarbleMark => {
    if (notification.kind === 'E') return { frame, char: '#' };
    if (notification.kind === 'C') return { frame, char: '|' };
    const char = keys.find((key) => matches(notification.value, values[key]!)) ?? '?';
    return { frame, char };
  });
}

function matches(event: Event, expected: ExpectedEvent): boolean {
  try {
    return deepEqual(eventView(event, expected), expectedView(expected));
  } catch {
    return false;
  }
}
