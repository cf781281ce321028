import { errorFromCode, RxAgentsError, registerErrorClass } from '@rxagents/core';
import type { WireError } from './protocol.js';

/**
 * A remote run failed with an error that is not an `RxAgentsError` (code `REMOTE_RUN_FAILED`) (an agent threw a plain
 * `Error`, a tool crashed): its name and message, as the worker saw them.
 *
 * @example
 * ```ts
 * import { RemoteRunError, RemoteRunner } from '@rxagents/bullmq';
 *
 * const runner = new RemoteRunner({ connection: 'redis://127.0.0.1:6379', appName: 'stories', agent: 'storyteller' });
 * runner.run({ userId: 'u1', sessionId: 's1', newMessage: 'a fox' }).subscribe({
 *   // A failure on the worker that has no rxagents error code, with the worker's error name.
 *   error: (e: unknown) => e instanceof RemoteRunError && console.log(e.remoteName, e.message),
 * });
 * ```
 */
export class RemoteRunError extends RxAgentsError {
  /** `name` of the error on the worker (`'Error'`, `'TypeError'`, …). */
  readonly remoteName: string;
  constructor(remoteName: string, message: string) {
    super('REMOTE_RUN_FAILED', message, { field: 'run' });
    this.remoteName = remoteName;
  }
}

/**
 * @internal Rebuilds a forwarded error: one with a code through core's error registry (an
 * instance of its own class when that class's package is loaded in this process, else a plain
 * `RxAgentsError` with the code), else a {@link RemoteRunError}.
 */
export function fromWire(wire: WireError): Error {
  if (wire.code === undefined) return new RemoteRunError(wire.name, wire.message);
  return errorFromCode(wire.code, wire.message, {
    name: wire.name,
    agent: wire.agent,
    field: wire.field,
    fields: wire.extra,
  });
}

// A RemoteRunError forwarded once more (a worker that is itself a RemoteRunner's caller).
registerErrorClass('REMOTE_RUN_FAILED', RemoteRunError);
