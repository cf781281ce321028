import { defer, NEVER, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { JobRegistry } from './jobRegistry.js';

// Counts subscriptions: a job that is not started never subscribes to its events.
function counted() {
  const subscribed: string[] = [];
  const events$ = (id: string) =>
    defer(() => {
      subscribed.push(id);
      return NEVER;
    });
  return { subscribed, events$ };
}

describe('JobRegistry', () => {
  it('does not start a job whose data is marked cancelled', async () => {
    const { subscribed, events$ } = counted();
    const jobs = new JobRegistry();
    const outcome = jobs.execute({ invocationId: 'a', cancelled: true }, events$('a'), () => undefined);
    await expect(outcome).resolves.toBe('cancelled');
    expect(subscribed).toEqual([]);
    expect(jobs.inFlight).toBe(0);
  });

  it('does not start a job cancelled after it was handed over but before it got here', async () => {
    const { subscribed, events$ } = counted();
    const jobs = new JobRegistry();
    jobs.cancel('a');
    await expect(jobs.execute({ invocationId: 'a' }, events$('a'), () => undefined)).resolves.toBe(
      'cancelled',
    );
    // the cancellation is used up; other jobs start
    const b = jobs.execute({ invocationId: 'b' }, events$('b'), () => undefined);
    expect(subscribed).toEqual(['b']);
    jobs.cancel('b');
    await expect(b).resolves.toBe('cancelled');
  });

  it('forgets a cancellation of a job it never held after a minute of its clock', async () => {
    const { subscribed, events$ } = counted();
    const clock = new VirtualTimeScheduler();
    const jobs = new JobRegistry(clock);
    jobs.cancel('old');
    clock.frame = 60_001;
    jobs.cancel('new');
    const old = jobs.execute({ invocationId: 'old' }, events$('old'), () => undefined);
    expect(subscribed).toEqual(['old']);
    jobs.cancel('old');
    await expect(old).resolves.toBe('cancelled');
    await expect(jobs.execute({ invocationId: 'new' }, events$('new'), () => undefined)).resolves.toBe(
      'cancelled',
    );
  });
});
