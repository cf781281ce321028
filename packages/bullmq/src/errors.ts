import * as core from '@rxagents/core';
import { RxAgentsError, type RxAgentsErrorCode } from '@rxagents/core';
import * as workloads from '@rxagents/workloads';
import type { WireError } from './protocol.js';

/**
 * A remote run failed with an error that is not an `RxAgentsError` (code `REMOTE_RUN_FAILED`) (an agent threw a plain
 * `Error`, a tool crashed): its name and message, as the worker saw them.
 *
 * @example
 * ```ts
 * runner.run(request).subscribe({ error: (e) => e instanceof RemoteRunError && console.log(e.remoteName, e.message) });
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

// The typed errors a worker may forward, rebuilt as instances of their own class so that
// `instanceof SessionConflictError` works on the caller's side as it would in one process. Taken
// from the exports of core and workloads, so a new error class there is covered without a list
// here to keep in step.
type ErrorClass = { readonly prototype: RxAgentsError };
const KNOWN: ReadonlyMap<string, ErrorClass> = new Map(
  Object.entries<unknown>({ ...core, ...workloads }).filter(
    (entry): entry is [string, ErrorClass] =>
      typeof entry[1] === 'function' && entry[1].prototype instanceof RxAgentsError,
  ),
);

/**
 * @internal Rebuilds a forwarded error: an `RxAgentsError` (of its own class when it is one of
 * ours, with `code`, `agent`, `field` and its other fields), else a {@link RemoteRunError}.
 */
export function fromWire(wire: WireError): Error {
  if (wire.code === undefined) return new RemoteRunError(wire.name, wire.message);
  const error = new RxAgentsError(wire.code as RxAgentsErrorCode, wire.message, {
    agent: wire.agent,
    field: wire.field,
  });
  const known = KNOWN.get(wire.name);
  if (known !== undefined) Object.setPrototypeOf(error, known.prototype);
  error.name = wire.name;
  if (wire.extra !== undefined) Object.assign(error, wire.extra);
  return error;
}
