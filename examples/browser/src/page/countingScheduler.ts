import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';

/**
 * Wraps a scheduler so that every piece of work it runs is counted (each tick of a `timer`,
 * each delayed emission). The page shows the count: when a run is stopped, the count freezes,
 * which shows that unsubscribing cancelled every timer beneath, not just the rendering.
 *
 * @param inner the scheduler doing the work (e.g. `asyncScheduler`)
 * @param onTick called before each piece of work runs
 */
export function countingScheduler(inner: SchedulerLike, onTick: () => void): SchedulerLike {
  return {
    now: () => inner.now(),
    schedule<T>(
      work: (this: SchedulerAction<T>, state?: T) => void,
      delay?: number,
      state?: T,
    ): Subscription {
      // A periodic action reschedules itself with the work it was created with, so every
      // repetition goes through this wrapper too.
      return inner.schedule<T>(
        function (this: SchedulerAction<T>, s?: T) {
          onTick();
          work.call(this, s);
        },
        delay,
        state,
      );
    },
  };
}
