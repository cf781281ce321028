import { basename, extname } from 'node:path';
import type { AgentEntry, DeploymentEntry, DeploymentRequest } from '@rxagents/bullmq';
import type { BaseAgent } from '@rxagents/core';
import type { DeploymentSpec } from '@rxagents/workloads';
import { isSpec, type SpecExport } from './deployCommand.js';
import { isAgent } from './resolveTarget.js';

/** What `rxagents worker` hosts from a module, by name. */
export interface Hosted {
  readonly deployments: Readonly<Record<string, DeploymentEntry>>;
  readonly agents: Readonly<Record<string, AgentEntry>>;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !isSpec(value) && !isAgent(value)
  );
}

/**
 * Turns a module's spec export into the worker's entry: a function of the request whose result is
 * checked, with errors that name the spec. The worker fails the deployment with the message in
 * its log when the entry throws, where `rxagents status` and `logs` show it.
 *
 * @param build the spec for a request (the export itself, or a call of it)
 */
function checked(name: string, build: (request: DeploymentRequest) => unknown): DeploymentEntry {
  return (request) => {
    let value: unknown;
    try {
      value = build(request);
    } catch (error: unknown) {
      throw new Error(
        `deployment spec '${name}' threw: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (!isSpec(value)) throw new Error(`deployment spec '${name}' is not an object with 'phases'`);
    const goal = request.goal ?? ('goal' in value ? value.goal : undefined);
    if (goal === undefined) throw new Error(`deployment spec '${name}' has no goal: deploy it with --goal`);
    return { ...value, goal } as DeploymentSpec;
  };
}

/** A spec export of the shape `rxagents deploy` takes: a spec, or a function of the goal. */
function fromDeployExport(name: string, value: SpecExport | ((goal: string | undefined) => unknown)) {
  return checked(name, (request) => (typeof value === 'function' ? value(request.goal) : value));
}

/** An entry of a `deployments` record: a spec, or `startWorker`'s function of the request. */
function fromRecordEntry(name: string, value: unknown): DeploymentEntry {
  if (typeof value === 'function') {
    return checked(name, (request) => (value as (request: DeploymentRequest) => unknown)(request));
  }
  if (!isSpec(value))
    throw new Error(`deployments.${name} is not a deployment spec (an object with 'phases') or a function`);
  return checked(name, () => value);
}

/**
 * The agent as a factory returning it (the same instance for every run). The worker tells an
 * instance from a factory with `instanceof BaseAgent`, which is false for an agent built with
 * another copy of `@rxagents/core` than the worker's (a module with its own node_modules).
 */
function shared(value: BaseAgent): AgentEntry {
  return () => value;
}

function agentsOf(record: Readonly<Record<string, unknown>>, where: string): Record<string, AgentEntry> {
  const agents: Record<string, AgentEntry> = {};
  for (const [name, value] of Object.entries(record)) {
    if (isAgent(value)) agents[name] = shared(value);
    else if (typeof value === 'function') agents[name] = value as () => BaseAgent;
    else throw new Error(`${where}.${name} is not an agent or a function returning one`);
  }
  return agents;
}

/**
 * What a worker hosts from a module's exports:
 *
 * - **Deployment specs**: the `deployments` export, a record of specs by name (each a spec, or a
 *   function of `{ deploymentId, goal }` as `startWorker` takes); otherwise the spec `rxagents
 *   deploy` would run (the `--export` one, else `default`, then `deployment`: a spec or a function
 *   of the goal), named after the file (`./website.ts` hosts `website`).
 * - **Agents** (for `RemoteRunner`): the `agents` export, a record of agents (or factories) by
 *   name; otherwise every exported agent, by export name (the default export by its own name).
 *
 * @param path the module's path, which names a single spec
 * @param exportName the export holding the spec or the record of specs (`--export`)
 * @throws Error when the module hosts nothing, or an export has the wrong shape
 */
export function hostedBy(
  exports: Readonly<Record<string, unknown>>,
  path: string,
  exportName: string | undefined,
): Hosted {
  const fileName = basename(path, extname(path));
  const deployments: Record<string, DeploymentEntry> = {};
  const specExport = (name: string): boolean => {
    const value = exports[name];
    if (isSpec(value) || typeof value === 'function') {
      deployments[fileName] = fromDeployExport(fileName, value as SpecExport);
      return true;
    }
    if (isRecord(value)) {
      for (const [specName, entry] of Object.entries(value)) {
        deployments[specName] = fromRecordEntry(specName, entry);
      }
      return true;
    }
    return false;
  };
  if (exportName !== undefined) {
    if (!(exportName in exports)) {
      throw new Error(
        `no export named '${exportName}' (exports: ${Object.keys(exports).join(', ') || 'none'})`,
      );
    }
    if (!specExport(exportName)) {
      throw new Error(
        `export '${exportName}' is not a deployment spec, a function of the goal, or a record of specs`,
      );
    }
  } else if ('deployments' in exports) {
    if (!isRecord(exports.deployments)) {
      throw new Error("export 'deployments' must be a record of deployment specs by name");
    }
    specExport('deployments');
  } else {
    for (const name of ['default', 'deployment']) {
      const value = exports[name];
      // A default export that is an agent is for `rxagents run` (and hosted as an agent below).
      if (isSpec(value) || typeof value === 'function') {
        specExport(name);
        break;
      }
    }
  }

  let agents: Record<string, AgentEntry> = {};
  if ('agents' in exports) {
    if (!isRecord(exports.agents)) throw new Error("export 'agents' must be a record of agents by name");
    agents = agentsOf(exports.agents, 'agents');
  } else {
    for (const [name, value] of Object.entries(exports)) {
      if (isAgent(value)) agents[name === 'default' ? value.name : name] = shared(value);
    }
  }

  if (Object.keys(deployments).length === 0 && Object.keys(agents).length === 0) {
    throw new Error(
      `nothing to host: export a deployment spec (default or 'deployment'), a 'deployments' record or agents (exports: ${Object.keys(exports).join(', ') || 'none'})`,
    );
  }
  return { deployments, agents };
}
