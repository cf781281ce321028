import type { PendingRequest } from '@rxagents/core';
import { describeRequest } from './askAnswer.js';
import { pc } from './colors.js';

/**
 * The lines `rxagents status` prints under a waiting deployment: each request, what it asks,
 * and the command that answers it.
 *
 * @example
 * ```ts
 * import { requestLines } from '@rxagents/cli';
 * import { Workload } from '@rxagents/workloads';
 *
 * const workload = new Workload();
 * const show = (id: string) => {
 *   for (const line of requestLines(id, workload.status(id).requests)) console.log(line);
 * };
 * ```
 */
export function requestLines(id: string, requests: readonly PendingRequest[] | undefined): string[] {
  const lines: string[] = [];
  for (const request of requests ?? []) {
    lines.push(`  ${pc.yellow('?')} ${pc.bold(request.author)} ${describeRequest(request)}`);
    if (request.schema !== undefined)
      lines.push(`    ${pc.dim(`answer as JSON: ${JSON.stringify(request.schema)}`)}`);
    lines.push(`    ${pc.dim(`rxagents respond ${id} '${request.id}' '<json>'`)}`);
  }
  return lines;
}
