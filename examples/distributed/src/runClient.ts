import { DistributedWorkload, RemoteRunner } from '@rxagents/bullmq';
import { type Event, textOf } from '@rxagents/core';
import { isTerminalStatus } from '@rxagents/workloads';
import { filter, firstValueFrom, lastValueFrom, take, tap } from 'rxjs';

/**
 * The client: one story streamed back from a worker, one run cancelled mid-way, then four
 * deployments spread over the workers, watched until they complete.
 */
export async function runClient(options: {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly print: (line: string) => void;
  readonly deployments?: number;
}): Promise<void> {
  const { print } = options;
  const location = { connection: options.redisUrl, prefix: options.prefix };
  const runner = new RemoteRunner({ ...location, appName: 'stories', agent: 'storyteller' });
  const workload = new DistributedWorkload(location);
  const depth = runner.queueDepth({ intervalMillis: 200 }).subscribe((n) => print(`queue depth: ${n}`));
  try {
    // 1. A run on a worker, its events streamed back as they are committed.
    const sessionId = `story-${Date.now()}`;
    print(`run storyteller in session ${sessionId}`);
    let streamed = '';
    await lastValueFrom(
      runner.run({ userId: 'reader', sessionId, newMessage: 'a fox in the snow' }).pipe(
        tap((event: Event) => {
          if (event.partial === true) {
            streamed += textOf(event.content);
            return;
          }
          print(`  ${event.author}: ${textOf(event.content)}`);
        }),
      ),
      { defaultValue: undefined },
    );
    print(`  (streamed ${streamed.length} characters before the writer's final event)`);

    // 2. Cancellation: unsubscribing stops the run on whichever worker holds it.
    const first = await firstValueFrom(
      runner
        .run({ userId: 'reader', sessionId: `${sessionId}-cancelled`, newMessage: 'a heron' })
        .pipe(take(1)),
    );
    print(`cancelled a second run after its first event (${first.author}); the worker stopped it`);

    // 3. Deployments, spread over the workers.
    const count = options.deployments ?? 4;
    const ids: string[] = [];
    for (let i = 1; i <= count; i++) ids.push(await workload.deploy({ spec: 'site', goal: `web app #${i}` }));
    print(`deployed ${ids.join(', ')}`);
    await Promise.all(
      ids.map((id) =>
        lastValueFrom(
          workload.status$(id, { intervalMillis: 200 }).pipe(
            tap(({ phase, status }) => print(`  ${id} ▶ ${phase || '(queued)'}: ${status}`)),
            filter(({ status }) => isTerminalStatus(status)),
          ),
        ),
      ),
    );
    print('deployments:');
    for (const d of await workload.list()) {
      if (ids.includes(d.id)) print(`  ${d.id}  ${d.status.padEnd(9)} on ${d.worker}  (${d.goal})`);
    }
    print(`last log lines of ${ids[0]}:`);
    for (const line of await workload.logs(ids[0]!, 3)) print(`  ${line}`);
    for (const id of ids) await workload.cleanup(id);
  } finally {
    depth.unsubscribe();
    await runner.close();
    await workload.close();
  }
}
