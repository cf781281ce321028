import type { JsonValue, PendingRequest } from '@rxagents/core';
import { pc } from './colors.js';

/**
 * Asks a person on the terminal for the answer to a paused run's request: what the request
 * shows (its prompt, or the tool and arguments of a confirmation), then `y`/`n` for a
 * confirmation (a reason after `n`), or a JSON answer (a bare word counts as a string). The
 * answer is checked against the request's schema by the resume itself, before anything is
 * committed; the caller asks again when it is refused. `undefined` when the input ended.
 *
 * @example
 * ```ts
 * import { createInterface } from 'node:readline/promises';
 * import { askAnswer } from '@rxagents/cli';
 * import type { PendingRequest } from '@rxagents/core';
 *
 * const terminal = createInterface({ input: process.stdin, output: process.stdout });
 * const answerOf = (request: PendingRequest) => askAnswer(request, (q) => terminal.question(q), console.log);
 * ```
 */
export async function askAnswer(
  request: PendingRequest,
  ask: (question: string) => Promise<string | undefined>,
  out: (line: string) => void,
): Promise<JsonValue | undefined> {
  out(`${pc.yellow('?')} ${pc.bold(request.author)} ${describeRequest(request)}`);
  if (request.kind === 'confirmation') {
    for (;;) {
      const said = (await ask(`  approve? ${pc.dim('[y/n]')} `))?.trim().toLowerCase();
      if (said === undefined) return undefined;
      if (said === 'y' || said === 'yes') return true;
      if (said === 'n' || said === 'no') {
        const reason = (await ask(`  reason ${pc.dim('(optional)')}: `))?.trim();
        return reason === undefined || reason === '' ? false : { confirmed: false, reason };
      }
    }
  }
  if (request.schema !== undefined) out(`  ${pc.dim(`answer as JSON: ${JSON.stringify(request.schema)}`)}`);
  for (;;) {
    const said = await ask('  answer: ');
    if (said === undefined) return undefined;
    const text = said.trim();
    if (text === '') continue;
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      return text;
    }
  }
}

/**
 * One line saying what a request asks.
 *
 * @example
 * ```ts
 * import { describeRequest } from '@rxagents/cli';
 * import { pendingRequests, type Session } from '@rxagents/core';
 *
 * // One line per request a paused session waits for, e.g. "asks: Publish?".
 * const waitingFor = (session: Session) => pendingRequests(session).map(describeRequest);
 * ```
 */
export function describeRequest(request: PendingRequest): string {
  const payload = request.payload;
  if (request.kind === 'confirmation' && isObject(payload) && typeof payload.tool === 'string') {
    return `wants to call ${pc.magenta(`${payload.tool}(${JSON.stringify(payload.args ?? {})})`)}`;
  }
  if (isObject(payload) && typeof payload.prompt === 'string') return `asks: ${payload.prompt}`;
  if (typeof payload === 'string') return `asks: ${payload}`;
  return `asks (${request.kind}): ${JSON.stringify(payload)}`;
}

function isObject(value: JsonValue): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
