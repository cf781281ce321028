// Runs two deployments of the web-app goal side by side, printing status changes and log lines
// live: one reaches its goal on the first pass, the other is judged unmet once and retried.
import { isTerminalStatus, Workload } from '@rxagents/workloads';
import { filter, merge, take } from 'rxjs';
import { retryConfig, straightConfig } from './webApp.js';

const workload = new Workload();
const ids = [workload.deploy(straightConfig()), workload.deploy(retryConfig(150))];

for (const id of ids) {
  workload.logs$(id).subscribe((line) => console.log(`${id.padEnd(16)} ${line}`));
  workload
    .status$(id)
    .subscribe(({ phase, status }) => console.log(`${id.padEnd(16)} ▶ ${phase}: ${status}`));
}

merge(
  ...ids.map((id) =>
    workload.status$(id).pipe(
      filter((s) => isTerminalStatus(s.status)),
      take(1),
    ),
  ),
)
  .pipe(take(ids.length))
  .subscribe({
    complete: () => {
      console.log('\nSummary');
      for (const d of workload.list())
        console.log(`  ${d.id.padEnd(16)} ${d.status.padEnd(10)} (last phase: ${d.phase})`);
      for (const id of ids) workload.cleanup(id);
    },
  });
