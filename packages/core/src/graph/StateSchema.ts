import type { Event } from '../Event.js';
import { InvalidAgentConfigError, StateSchemaError } from '../errors.js';
import type { CommitCheck } from '../internal/CommitCheck.js';
import { STATE_PREFIX, type State, type StateStore } from '../StateStore.js';

/** One problem a Standard Schema reports (the part of the spec a state check reads). */
export interface StandardIssue {
  readonly message: string;
  /** Keys a strict object did not declare (zod's `unrecognized_keys`), reported on the object itself. */
  readonly keys?: readonly string[];
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
}

/**
 * A schema of the Standard Schema spec (zod 4, valibot, arktype, … implement it), typed here so
 * that `@rxagents/core` depends on no schema library. Only synchronous validation is accepted.
 */
export interface StandardSchema {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (
      value: unknown,
    ) =>
      | { readonly value?: unknown; readonly issues?: readonly StandardIssue[] | undefined }
      | PromiseLike<unknown>;
  };
}

/** A plain validator of a graph's state: the key at fault and why, or undefined when it is valid. */
export type StateValidator = (state: State) => { readonly key: string; readonly message: string } | undefined;

/** What a graph's `state` option accepts: a Standard Schema or a plain validator function. */
export type StateSchema = StandardSchema | StateValidator;

/**
 * The commit check of one graph node with a state schema: the session-scoped keys of the state
 * the event's delta would make are validated before the event is committed, and an issue on a key
 * the delta writes refuses it. Issues on keys the delta leaves alone (one no node has written
 * yet) are not this event's; `app:`, `user:` and `temp:` keys are never validated, as in ADK.
 */
export class StateSchemaCheck implements CommitCheck {
  constructor(
    private readonly graph: string,
    private readonly node: string,
    private readonly schema: StateSchema,
  ) {}

  check(event: Event, state: StateStore): void {
    const delta = event.actions.stateDelta;
    const written = new Set<string>();
    for (const key in delta) if (!isScoped(key)) written.add(key);
    if (written.size === 0) return;
    const next: Record<string, unknown> = {};
    const current = state.snapshot();
    for (const key in current) if (!isScoped(key)) next[key] = current[key];
    for (const key of written) next[key] = delta[key];
    const issue = this.issueOf(next as State, written);
    if (issue !== undefined) throw new StateSchemaError(this.graph, this.node, issue.key, issue.message);
  }

  private issueOf(next: State, written: ReadonlySet<string>): { key: string; message: string } | undefined {
    const schema = this.schema;
    if (typeof schema === 'function') {
      const issue = schema(next);
      return issue !== undefined && written.has(issue.key) ? issue : undefined;
    }
    const result = schema['~standard'].validate(next);
    if (typeof (result as PromiseLike<unknown>).then === 'function') {
      throw new InvalidAgentConfigError(this.graph, 'state', 'the state schema must validate synchronously');
    }
    for (const issue of (result as { issues?: readonly StandardIssue[] }).issues ?? []) {
      const first = issue.path?.[0];
      const keys = first === undefined ? (issue.keys ?? []) : [typeof first === 'object' ? first.key : first];
      for (const key of keys)
        if (typeof key === 'string' && written.has(key)) return { key, message: issue.message };
    }
    return undefined;
  }
}

function isScoped(key: string): boolean {
  return (
    key.startsWith(STATE_PREFIX.app) || key.startsWith(STATE_PREFIX.user) || key.startsWith(STATE_PREFIX.temp)
  );
}
