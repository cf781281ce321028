import type { BaseAgent, Runner } from '@rxagents/core';

/** What `rxagents run` found in a module: an agent to wrap in a Runner, or a Runner to use as is. */
export type RunTarget =
  | { readonly kind: 'agent'; readonly exportName: string; readonly agent: BaseAgent }
  | { readonly kind: 'runner'; readonly exportName: string; readonly runner: Runner };

/**
 * @internal Whether a module export is an agent. Duck-typed, not `instanceof`: the module may
 * load its own copy of @rxagents/core.
 */
export function isAgent(value: unknown): value is BaseAgent {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { runAsync?: unknown }).runAsync === 'function' &&
    typeof (value as { name?: unknown }).name === 'string'
  );
}

function isRunner(value: unknown): value is Runner {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { run?: unknown }).run === 'function' &&
    isAgent((value as { agent?: unknown }).agent) &&
    typeof (value as { appName?: unknown }).appName === 'string'
  );
}

/**
 * Picks what to run from a module's exports: the named export when `exportName` is given,
 * otherwise the default export, then `agent`, then `runner`, then `rootAgent`. The value must be
 * an agent (anything with `runAsync` and `name`) or a `Runner`.
 *
 * @example
 * ```ts
 * import { resolveTarget } from '@rxagents/cli';
 * import { agent, text } from '@rxagents/core';
 * import { of } from 'rxjs';
 *
 * const flow = agent('flow', (ctx) => of(ctx.newEvent({ content: text('Once upon a time…') })));
 * const target = resolveTarget({ default: flow }); // { kind: 'agent', exportName: 'default', agent: flow }
 * ```
 * @throws Error naming the exports that were found when nothing fits
 */
export function resolveTarget(exports: Readonly<Record<string, unknown>>, exportName?: string): RunTarget {
  const names = exportName === undefined ? ['default', 'agent', 'runner', 'rootAgent'] : [exportName];
  for (const name of names) {
    if (!(name in exports)) continue;
    const value = exports[name];
    if (isRunner(value)) return { kind: 'runner', exportName: name, runner: value };
    if (isAgent(value)) return { kind: 'agent', exportName: name, agent: value };
    if (exportName !== undefined) {
      throw new Error(`export '${name}' is neither an agent nor a Runner`);
    }
  }
  const found = Object.keys(exports).join(', ') || 'none';
  throw new Error(
    exportName === undefined
      ? `no agent or Runner exported as default, 'agent', 'runner' or 'rootAgent' (exports: ${found}); pick one with --export`
      : `no export named '${exportName}' (exports: ${found})`,
  );
}
