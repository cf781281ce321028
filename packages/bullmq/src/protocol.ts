import type { Content, JsonValue, StateDelta } from '@rxagents/core';

/** @internal What the data of every job carries. */
export interface QueuedJobData {
  /** The job id. */
  readonly invocationId: string;
  /**
   * Written into the queued job by a cancellation (`QueueClient.cancel`), so the worker that takes
   * the job later (a first pick-up, or a takeover after its worker died) runs nothing.
   */
  readonly cancelled?: true;
}

/** @internal Job data of one `RemoteRunner.run`. */
export interface RunJobData extends QueuedJobData {
  readonly kind: 'run';
  readonly appName: string;
  readonly agent: string;
  readonly userId: string;
  readonly sessionId: string;
  readonly newMessage?: Content | string;
  readonly stateDelta?: StateDelta;
  /** Answers to paused requests: the run resumes the paused invocation (`Runner.run`'s `resume`). */
  readonly answers?: Readonly<Record<string, JsonValue>>;
}

/** @internal Job data of one run of a deployment (its first, or a restart after `stop`). */
export interface DeploymentJobData extends QueuedJobData {
  readonly kind: 'deployment';
  readonly spec: string;
  readonly deploymentId: string;
  readonly goal?: string;
  /** The first run sends the goal as the user's message; a restart resumes without one. */
  readonly fresh: boolean;
  /** `respond()`'s answer: this run resumes the paused invocation with it. */
  readonly answers?: Readonly<Record<string, JsonValue>>;
}

/** @internal */
export type JobData = RunJobData | DeploymentJobData;

/** @internal How a job ended, as its BullMQ return value. */
export interface JobResult {
  readonly outcome: 'completed' | 'cancelled' | 'failed';
}

/** @internal An error as it crosses the wire: enough to rebuild a typed one. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly agent?: string;
  readonly field?: string;
  /** The error's other own fields (`sessionId`, `position`, `backend`, …). */
  readonly extra?: Readonly<Record<string, JsonValue>>;
}

/** @internal The `t` field of a stream entry. */
export const ENTRY = { event: 'event', end: 'end', error: 'error' } as const;

const OWN_SKIPPED = new Set(['name', 'message', 'stack', 'code', 'agent', 'field', 'cause']);

/** @internal */
export function toWire(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const fields = error as Error & { code?: unknown; agent?: unknown; field?: unknown };
  const extra: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(error)) {
    if (OWN_SKIPPED.has(key)) continue;
    const json = jsonOrUndefined(value);
    if (json !== undefined) extra[key] = json;
  }
  return {
    name: error.name,
    message: error.message,
    ...(typeof fields.code === 'string' ? { code: fields.code } : {}),
    ...(typeof fields.agent === 'string' ? { agent: fields.agent } : {}),
    ...(typeof fields.field === 'string' ? { field: fields.field } : {}),
    ...(Object.keys(extra).length === 0 ? {} : { extra }),
  };
}

function jsonOrUndefined(value: unknown): JsonValue | undefined {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : (JSON.parse(text) as JsonValue);
  } catch {
    return undefined;
  }
}
