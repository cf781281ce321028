import type { Event } from '../Event.js';
import { InvalidAgentConfigError, StateSchemaError } from '../errors.js';
import type { CommitCheck } from '../internal/CommitCheck.js';
import type { State, StateStore } from '../StateStore.js';

/** One problem a Standard Schema reports (the part of the spec a state check reads). */
export interface StandardIssue {
  readonly message: string;
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
 * The commit check of one graph node with a state schema: the state the event's delta would make
 * is validated before the event is committed, and an issue on a key the delta writes refuses it
 * (issues on keys the delta leaves alone — one no node has written yet — are not this event's).
 */
export class StateSchemaCheck implements CommitCheck {
  constructor(
    private readonly graph: string,
    private readonly node: string,
    private readonly schema: StateSchema,
  ) {}

  check(event: Event, state: StateStore): void {
    const delta = event.actions.stateDelta;
    let written = false;
    for (const _ in delta) {
      written = true;
      break;
    }
    if (!written) return;
    const next = { ...state.snapshot(), ...delta } as State;
    const issue = this.issueOf(next, delta);
    if (issue !== undefined) throw new StateSchemaError(this.graph, this.node, issue.key, issue.message);
  }

  private issueOf(next: State, delta: object): { key: string; message: string } | undefined {
    const schema = this.schema;
    if (typeof schema === 'function') {
      const issue = schema(next);
      return issue !== undefined && issue.key in delta ? issue : undefined;
    }
    const result = schema['~standard'].validate(next);
    if (typeof (result as PromiseLike<unknown>).then === 'function') {
      throw new InvalidAgentConfigError(this.graph, 'state', 'the state schema must validate synchronously');
    }
    const { issues } = result as { issues?: readonly StandardIssue[] };
    for (const issue of issues ?? []) {
      const first = issue.path?.[0];
      const key = typeof first === 'object' ? first.key : first;
      if (typeof key === 'string' && key in delta) return { key, message: issue.message };
    }
    return undefined;
  }
}
