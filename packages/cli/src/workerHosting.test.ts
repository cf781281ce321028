import type { AgentEntry, DeploymentEntry, DeploymentRequest } from '@rxagents/bullmq';
import { agent, type BaseAgent, text } from '@rxagents/core';
import type { DeploymentSpec } from '@rxagents/workloads';
import { of } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { specNameOf } from './distributedCommands.js';
import { newLines } from './followDeployment.js';
import { hostedBy } from './workerHosting.js';

const work = (name: string) => agent(name, (ctx) => of(ctx.newEvent({ content: text(name) })));
const build = work('builder');
const phases = [{ name: 'build', agent: build }];

function specOf(
  entry: DeploymentEntry | undefined,
  request: Partial<DeploymentRequest> = {},
): DeploymentSpec {
  expect(typeof entry).toBe('function');
  return (entry as (r: DeploymentRequest) => DeploymentSpec)({
    deploymentId: 'd1',
    goal: undefined,
    ...request,
  });
}

describe('hostedBy (what rxagents worker hosts)', () => {
  it('hosts the spec rxagents deploy would run under the file name, the goal from the request or the spec', () => {
    const hosted = hostedBy({ default: { goal: 'own goal', phases } }, '/x/website.ts', undefined);
    expect(Object.keys(hosted.deployments)).toEqual(['website']);
    expect(specOf(hosted.deployments.website)).toMatchObject({ goal: 'own goal', phases });
    expect(specOf(hosted.deployments.website, { goal: 'given' }).goal).toBe('given');
    expect(hosted.agents).toEqual({});
  });

  it('calls a spec function with the goal, as rxagents deploy does', () => {
    const seen: (string | undefined)[] = [];
    const deployment = (goal: string | undefined) => {
      seen.push(goal);
      return { phases };
    };
    const hosted = hostedBy({ deployment }, 'site.mjs', undefined);
    expect(specOf(hosted.deployments.site, { goal: 'ship it' }).goal).toBe('ship it');
    expect(seen).toEqual(['ship it']);
  });

  it('names the spec in the errors of a spec without a goal, one that throws, or one without phases', () => {
    // The worker fails the deployment with this message in its log.
    const entry = (exports: Record<string, unknown>) =>
      hostedBy(exports, 'site.ts', undefined).deployments.site;
    expect(() => specOf(entry({ default: { phases } }))).toThrow(
      "deployment spec 'site' has no goal: deploy it with --goal",
    );
    const throwing = entry({
      default: () => {
        throw new Error('no API key');
      },
    });
    expect(() => specOf(throwing)).toThrow("deployment spec 'site' threw: no API key");
    expect(() => specOf(entry({ default: () => ({ goal: 'g' }) }))).toThrow(
      "deployment spec 'site' is not an object with 'phases'",
    );
  });

  it("hosts a 'deployments' record by name, each entry a spec or startWorker's function of the request", () => {
    const requests: DeploymentRequest[] = [];
    const hosted = hostedBy(
      {
        deployments: {
          web: { goal: 'a site', phases },
          api: (request: DeploymentRequest) => {
            requests.push(request);
            return { goal: request.goal ?? 'an API', phases };
          },
        },
        default: { goal: 'ignored', phases },
      },
      'many.ts',
      undefined,
    );
    expect(Object.keys(hosted.deployments).sort()).toEqual(['api', 'web']);
    expect(specOf(hosted.deployments.api, { deploymentId: 'a1' }).goal).toBe('an API');
    expect(requests).toEqual([{ deploymentId: 'a1', goal: undefined }]);
    expect(specOf(hosted.deployments.web).goal).toBe('a site');
  });

  it('--export picks the spec (named after the file) or the record', () => {
    expect(Object.keys(hostedBy({ mine: { phases } }, 'w.ts', 'mine').deployments)).toEqual(['w']);
    expect(Object.keys(hostedBy({ mine: { a: { phases } } }, 'w.ts', 'mine').deployments)).toEqual(['a']);
    expect(() => hostedBy({ other: 1 }, 'w.ts', 'mine')).toThrow("no export named 'mine' (exports: other)");
    expect(() => hostedBy({ mine: 1 }, 'w.ts', 'mine')).toThrow("export 'mine' is not a deployment spec");
  });

  it("hosts an 'agents' record, else every exported agent (the default one by its own name)", () => {
    const writer = work('writer');
    // Each entry is a factory returning the module's own instance.
    const built = (agents: Record<string, AgentEntry>) =>
      Object.fromEntries(Object.entries(agents).map(([name, entry]) => [name, (entry as () => BaseAgent)()]));
    const make = () => build;
    const fromRecord = hostedBy({ agents: { story: writer, made: make } }, 'a.ts', undefined).agents;
    expect(fromRecord.made).toBe(make);
    expect(built({ story: fromRecord.story! })).toEqual({ story: writer });
    const hosted = hostedBy({ default: writer, build }, 'a.ts', undefined);
    expect(built(hosted.agents)).toEqual({ writer, build });
    expect(hosted.deployments).toEqual({});
  });

  it('refuses a module with nothing to host, naming its exports', () => {
    expect(() => hostedBy({ answer: 42 }, 'a.ts', undefined)).toThrow(
      "nothing to host: export a deployment spec (default or 'deployment'), a 'deployments' record or agents (exports: answer)",
    );
    expect(() => hostedBy({ deployments: { web: 3 } }, 'a.ts', undefined)).toThrow(
      "deployments.web is not a deployment spec (an object with 'phases') or a function",
    );
  });
});

describe('specNameOf (the spec rxagents deploy asks the workers for)', () => {
  it('is --spec, else the base name of an existing module, else the argument', () => {
    const cwd = new URL('..', import.meta.url).pathname;
    expect(specNameOf('test/fixtures/deployment.ts', cwd, undefined)).toBe('deployment');
    expect(specNameOf('test/fixtures/deployment.ts', cwd, 'web')).toBe('web');
    expect(specNameOf('website', cwd, undefined)).toBe('website');
  });
});

describe('newLines (following a capped log by content)', () => {
  it('returns what follows the printed tail', () => {
    expect(newLines([], ['a', 'b'])).toEqual(['a', 'b']);
    expect(newLines(['a', 'b'], ['a', 'b', 'c', 'd'])).toEqual(['c', 'd']);
    expect(newLines(['a', 'b', 'c'], ['a', 'b', 'c'])).toEqual([]);
  });

  it('still finds the new lines after the log was trimmed at its front', () => {
    expect(newLines(['a', 'b', 'c', 'd'], ['c', 'd', 'e'])).toEqual(['e']);
    expect(newLines(['x', 'y'], ['e', 'f'])).toEqual(['e', 'f']);
  });

  it('prefers the longest overlap, so a repeated line is not printed twice', () => {
    expect(newLines(['a', 'b', 'a'], ['a', 'b', 'a', 'c'])).toEqual(['c']);
  });
});
