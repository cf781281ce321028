import type { ObservableNotification, SchedulerAction, SchedulerLike, Subscriber } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';

/** A notification at a virtual frame, as parsed from a marble diagram (time in ms, run mode). */
export interface TimedNotification<T> {
  readonly frame: number;
  readonly notification: ObservableNotification<T>;
}

/**
 * Parses a marble diagram in run-mode units (one character = 1 ms, `'500ms'` = 500 ms) whether
 * or not a `TestScheduler.run` is active. Characters without a value stand for themselves.
 */
export function parseMarble<T>(
  marble: string,
  values: Readonly<Record<string, T>> | undefined,
  error: unknown,
): TimedNotification<T | string>[] {
  if (marble.includes('^') || marble.includes('!')) {
    throw new Error(`marble '${marble}': '^' and '!' belong in subscription marbles, not here`);
  }
  // A character without a value stands for itself (rxjs would give `undefined`).
  const all: Record<string, T | string> = {};
  for (const char of marble) all[char] = char;
  if (values !== undefined) for (const key of Object.keys(values)) all[key] = values[key]!;
  return withRunModeFrames(() =>
    TestScheduler.parseMarbles(marble, all, error, false, true).map((message) => ({
      frame: message.frame,
      notification: message.notification as ObservableNotification<T | string>,
    })),
  );
}

/** Subscription and unsubscription frames of a subscription marble (`'^--!'`, `'--!'`). */
export function parseSubscriptionMarble(marble: string): { subscribed: number; unsubscribed: number } {
  const log = withRunModeFrames(() => TestScheduler.parseMarblesAsSubscriptions(marble, true));
  const subscribed = log.subscribedFrame === Number.POSITIVE_INFINITY ? 0 : log.subscribedFrame;
  if (log.unsubscribedFrame !== Number.POSITIVE_INFINITY && log.unsubscribedFrame < subscribed) {
    throw new Error(`subscription marble '${marble}': '!' comes before '^'`);
  }
  return { subscribed, unsubscribed: log.unsubscribedFrame };
}

// TestScheduler's parsers scale characters by the static frameTimeFactor, which is 10 outside
// `run` and 1 inside; time progressions ('5ms') are not scaled. Parse with 1 so both agree.
function withRunModeFrames<R>(parse: () => R): R {
  const previous = TestScheduler.frameTimeFactor;
  TestScheduler.frameTimeFactor = 1;
  try {
    return parse();
  } finally {
    TestScheduler.frameTimeFactor = previous;
  }
}

/**
 * Plays parsed notifications to a subscriber, relative to now: frame 0 synchronously, later
 * frames through `scheduler`. Every pending timer belongs to the subscriber, so unsubscribing
 * (or the end of the stream) cancels them.
 */
export function play<T, R>(
  notifications: readonly TimedNotification<T>[],
  scheduler: SchedulerLike,
  subscriber: Subscriber<R>,
  deliver: (notification: ObservableNotification<T>, subscriber: Subscriber<R>) => void,
): void {
  const send = (notification: ObservableNotification<T>): void => {
    try {
      deliver(notification, subscriber);
    } catch (error: unknown) {
      subscriber.error(error);
    }
  };
  for (const { frame, notification } of notifications) {
    if (subscriber.closed) return;
    if (frame <= 0) {
      send(notification);
    } else {
      subscriber.add(
        scheduler.schedule(function (this: SchedulerAction<unknown>) {
          subscriber.remove(this);
          if (!subscriber.closed) send(notification);
        }, frame),
      );
    }
  }
}
