import { agent, type BaseAgent, type Event } from '@rxagents/core';
import { testContext, testScheduler } from '@rxagents/testing';
import { map } from 'rxjs';

/** The error a source's `#` fails with. */
export const failure = (name: string) => new Error(`${name} failed`);

/** What a subscription spec expects: the run's authors, and when each source was subscribed. */
export interface SubscriptionSpec<K extends string> {
  /** The subscription of the whole run (`'^--!'` cancels at frame 3); default: to completion. */
  readonly run?: string;
  /** The authors of the run's events as a marble (values are the authors' names). */
  readonly authors: string;
  readonly authorValues?: Readonly<Record<string, string>>;
  /** The run's error, when `authors` ends in `#`. */
  readonly error?: unknown;
  /** Per source, its subscription marbles (`[]` for a source never subscribed). */
  readonly subscriptions: Readonly<Record<K, string | readonly string[]>>;
}

/**
 * Checks when a workflow agent or operator subscribes and unsubscribes the agents beneath it, as
 * RxJS's own specs do with `expectSubscriptions`. Each entry of `sources` is an agent whose run is
 * a cold marble of that name (only `-`, `|` and `#`: it emits no event of its own); `build` composes
 * them into the agent under test.
 */
export function expectSubscriptionsOf<K extends string>(
  sources: Readonly<Record<K, string>>,
  build: (agents: Readonly<Record<K, BaseAgent>>) => BaseAgent,
  spec: SubscriptionSpec<K>,
): void {
  const scheduler = testScheduler();
  scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
    const names = Object.keys(sources) as K[];
    const colds = new Map(names.map((name) => [name, cold<Event>(sources[name], {}, failure(name))]));
    const agents = {} as Record<K, BaseAgent>;
    for (const name of names) agents[name] = agent(name, () => colds.get(name)!);
    const root = build(agents);
    const run = root.runAsync(testContext({ agent: root, scheduler })).pipe(map((e) => e.author));
    expectObservable(run, spec.run).toBe(spec.authors, spec.authorValues, spec.error);
    for (const name of names) {
      expectSubscriptions(colds.get(name)!.subscriptions).toBe(spec.subscriptions[name] as string | string[]);
    }
  });
  if (scheduler.actions.length > 0) throw new Error(`${scheduler.actions.length} timers left after the run`);
}
