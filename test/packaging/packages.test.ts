// What a new user gets from npm: every package packed as published, installed into an app outside
// the workspace, compiled against with TypeScript (skipLibCheck off) and loaded by Node as ESM and CJS.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureBuilt,
  installApp,
  namedFiles,
  type Packed,
  packAll,
  ROOT,
  readText,
  removeDir,
  typecheck,
  withNodeTypes,
} from './installTarballs.js';

let packed: Packed[] = [];
const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'rxagents-pack-'));
  dirs.push(dir);
  return dir;
};

beforeAll(() => {
  ensureBuilt();
  packed = packAll(tempDir());
}, 300_000);
afterAll(() => {
  for (const dir of dirs) removeDir(dir);
});

// Only diagnostics in the consumer's files or in our own published types count: the app compiles
// with skipLibCheck off, which also checks third-party .d.ts files we do not own.
const ours = (lines: readonly string[]) =>
  lines.filter((l) => /^(consumer|internals|node_modules\/@rxagents\/)/.test(l));

// A consumer of core only, quick to compile on its own.
const CONSUMER_INTERNALS = `import type { Event, InvocationContext, Session } from '@rxagents/core';

declare const ctx: InvocationContext;
declare const session: Session;
declare const event: Event;
// @ts-expect-error commit is internal: the framework commits what an agent emits
ctx.commit(event);
// @ts-expect-error commitNew is internal: Session.commit is the public (idempotent) way
session.commitNew(event);
// @ts-expect-error the parallel-run conflict trackers are internal
ctx.conflictTrackers;
session.commit(event);
`;

const CONSUMER_TYPES = `import { StateStore } from '@rxagents/core';
import { functionTool, LlmAgent, scriptedModel } from '@rxagents/llm';
import { PostgresSessionService } from '@rxagents/postgres';
import { RemoteRunner } from '@rxagents/bullmq';
import { Workload } from '@rxagents/workloads';
import { expectAgent } from '@rxagents/testing';
import { aiSdkModel } from '@rxagents/ai-sdk';
import { main } from '@rxagents/cli';
import { z } from 'zod';

${CONSUMER_INTERNALS}export const used = [StateStore, LlmAgent, scriptedModel, PostgresSessionService, RemoteRunner, Workload, expectAgent, aiSdkModel, main];
export const tool = functionTool({ name: 't', description: 't', parameters: z.object({ a: z.number() }), execute: ({ a }) => ({ b: a + 1 }) });
`;

const ZOD3_APP = `import { InvocationContext, Session } from '@rxagents/core';
import { functionTool, LlmAgent, scriptedModel } from '@rxagents/llm';
import { lastValueFrom, toArray } from 'rxjs';
import { z as z3 } from 'zod';
import { z } from 'zod/v4';

const types = (schema: unknown) =>
  Object.fromEntries(Object.entries((schema as { properties: Record<string, { type: string }> }).properties).map(([k, v]) => [k, v.type]));
const tool = functionTool({ name: 'w', description: 'w', parameters: z.object({ city: z.string() }), execute: ({ city }) => ({ city }) });
const model = scriptedModel([{ respond: '{"met":true}' }]);
const judge = new LlmAgent({ name: 'j', model, outputKey: 'verdict', outputSchema: z.object({ met: z.boolean() }) });
const ctx = InvocationContext.create({ agent: judge, session: new Session({ id: 's', appName: 'a', userId: 'u' }) });
await lastValueFrom(judge.runAsync(ctx).pipe(toArray()));
let zod3 = '';
try {
  functionTool({ name: 'w', description: 'w', parameters: z3.object({ city: z3.string() }) as never, execute: () => ({}) });
} catch (error) {
  zod3 = \`\${(error as Error).name}: \${(error as Error).message}\`;
}
const responseSchema = types(model.requests[0]?.responseSchema);
console.log(JSON.stringify({ parameters: types(tool.declaration.parameters), responseSchema, verdict: ctx.state.get('verdict'), zod3 }));
`;

describe('published packages', () => {
  it('each tarball holds LICENSE, README.md, every file its exports/main/types/bin name, and no tests', () => {
    expect(packed.map((p) => p.dir).sort()).toEqual([
      'ai-sdk',
      'bullmq',
      'cli',
      'core',
      'llm',
      'mcp',
      'postgres',
      'server',
      'testing',
      'workloads',
    ]);
    for (const { dir, files, manifest } of packed) {
      expect(files, dir).toContain('LICENSE');
      expect(files, dir).toContain('README.md');
      for (const named of namedFiles(manifest)) expect(files, `${dir}: ${named}`).toContain(named);
      expect(
        files.filter((f) => /\.test(-d)?\.ts$|^test\//.test(f)),
        dir,
      ).toEqual([]);
    }
  });

  it('each manifest has repository (with directory), homepage, bugs, license and engines', () => {
    for (const { dir, manifest } of packed) {
      expect(manifest, dir).toMatchObject({
        license: 'Apache-2.0',
        repository: { type: 'git', directory: `packages/${dir}` },
        homepage: expect.stringContaining(`packages/${dir}`),
        bugs: { url: expect.stringMatching(/issues$/) },
        engines: { node: '>=20.10' },
      });
    }
  });

  it('no published .d.ts carries an @internal tag, a commit method on InvocationContext or commitNew', () => {
    const app = installApp(packed);
    dirs.push(app);
    for (const { dir, files, manifest } of packed) {
      for (const file of files.filter((f) => /\.d\.c?ts$/.test(f))) {
        const text = readText(join(app, 'node_modules', manifest.name, file));
        expect(text, `${dir}/${file}`).not.toContain('@internal');
        expect(text, `${dir}/${file}`).not.toMatch(/\bcommitNew\b/);
        const context = /declare class InvocationContext \{[\s\S]*?\n\}/.exec(text)?.[0] ?? '';
        expect(context, `${dir}/${file}`).not.toMatch(/^\s+commit\(/m);
      }
    }
  });

  it('type-checks a consumer in ESM and CJS with skipLibCheck off; ctx.commit and session.commitNew do not compile', () => {
    const app = installApp(packed);
    dirs.push(app);
    withNodeTypes(app);
    writeFileSync(join(app, 'consumer.mts'), CONSUMER_TYPES);
    writeFileSync(join(app, 'consumer.cts'), CONSUMER_TYPES);
    writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true }');
    expect(ours(typecheck(app, ['consumer.mts', 'consumer.cts']))).toEqual([]);
    // The @ts-expect-error lines hold: without them, each internal member is a type error.
    writeFileSync(
      join(app, 'internals.mts'),
      CONSUMER_INTERNALS.replaceAll(/^\/\/ @ts-expect-error.*$/gm, ''),
    );
    const errors = ours(typecheck(app, ['internals.mts'])).join('\n');
    expect(errors).toMatch(/'commit' does not exist on type 'InvocationContext'/);
    expect(errors).toMatch(/'commitNew' does not exist on type 'Session'/);
  }, 180_000);

  it('loads every entry with import and require; require of testing/session-service says it is ESM-only', () => {
    const app = installApp(packed);
    dirs.push(app);
    const names = packed.map((p) => p.manifest.name);
    const esm = `${names.map((n, i) => `import * as m${i} from '${n}';`).join('\n')}
import * as conformance from '@rxagents/testing/session-service';
console.log(JSON.stringify([${names.map((_, i) => `Object.keys(m${i}).length`).join(', ')}, typeof conformance.sessionServiceConformance]));`;
    writeFileSync(join(app, 'esm.mjs'), esm);
    const cjs = `console.log(JSON.stringify(${JSON.stringify(names)}.map((n) => Object.keys(require(n)).length)));
try { require('@rxagents/testing/session-service'); } catch (e) { console.log(e.message); }`;
    writeFileSync(join(app, 'cjs.cjs'), cjs);
    const esmOut = execFileSync(process.execPath, ['esm.mjs'], { cwd: app, encoding: 'utf8' });
    const counts = JSON.parse(esmOut) as (number | string)[];
    expect(counts.at(-1)).toBe('function');
    expect(counts.slice(0, -1).every((n) => typeof n === 'number' && n > 0)).toBe(true);
    const cjsRun = spawnSync(process.execPath, ['cjs.cjs'], { cwd: app, encoding: 'utf8' });
    const [cjsCounts, message] = cjsRun.stdout.trim().split('\n');
    expect((JSON.parse(cjsCounts!) as number[]).every((n) => n > 0)).toBe(true);
    expect(message).toMatch(
      /@rxagents\/testing\/session-service is ESM-only.*import \{ sessionServiceConformance \}/,
    );
  }, 60_000);

  it("the CLI's source maps name only files that ship in its tarball", () => {
    const cli = packed.find((p) => p.dir === 'cli')!;
    for (const map of cli.files.filter((f) => f.endsWith('.map'))) {
      const { sources } = JSON.parse(readFileSync(join(ROOT, 'packages/cli', map), 'utf8')) as {
        sources: string[];
      };
      const missing = sources.map((s) => join(map, '..', s)).filter((s) => !cli.files.includes(s));
      expect(missing, map).toEqual([]);
    }
  });

  it("the CLI's @opentelemetry/api range lies inside sdk-trace-base's peer range and meets core's and llm's", () => {
    const rangeOf = (dir: string) =>
      packed.find((p) => p.dir === dir)!.manifest.dependencies!['@opentelemetry/api']!;
    const sdk = JSON.parse(
      readFileSync(
        join(ROOT, 'packages/cli/node_modules/@opentelemetry/sdk-trace-base/package.json'),
        'utf8',
      ),
    ) as { peerDependencies: Record<string, string> };
    expect(semver.subset(rangeOf('cli'), sdk.peerDependencies['@opentelemetry/api']!)).toBe(true);
    for (const dir of ['core', 'llm'])
      expect(semver.intersects(rangeOf(dir), rangeOf('cli')), dir).toBe(true);
  });

  it('an app on zod 3.25 (one copy of zod) compiles and runs with zod/v4 schemas and is told why a zod 3 schema fails', () => {
    const app = installApp(
      packed.filter((p) => p.dir === 'core' || p.dir === 'llm'),
      { zod: join(ROOT, 'node_modules/zod3') },
    );
    dirs.push(app);
    withNodeTypes(app);
    writeFileSync(join(app, 'package.json'), '{ "name": "app", "private": true, "type": "module" }');
    writeFileSync(join(app, 'consumer.ts'), ZOD3_APP);
    expect(ours(typecheck(app, ['consumer.ts'], 'out'))).toEqual([]);
    const out = JSON.parse(
      execFileSync(process.execPath, ['out/consumer.js'], { cwd: app, encoding: 'utf8' }),
    );
    expect(out).toEqual({
      parameters: { city: 'string' },
      responseSchema: { met: 'boolean' },
      verdict: { met: true },
      zod3: "InvalidAgentConfigError: Agent 'w': parameters: a zod 3 schema; @rxagents/llm takes zod 4 schemas: use zod 4, or on zod 3.25+ `import { z } from 'zod/v4'`",
    });
    // A zod 3 schema is also refused by the compiler, not only at run time.
    writeFileSync(
      join(app, 'consumer.ts'),
      ZOD3_APP.replace(
        'parameters: z3.object({ city: z3.string() }) as never',
        'parameters: z3.object({ city: z3.string() })',
      ),
    );
    expect(ours(typecheck(app, ['consumer.ts'])).join('\n')).toMatch(/consumer\.ts.*error TS2\d+/);
  }, 120_000);

  it('postgres has @types/pg as an optional peer, not a dependency, and zod is a peer of llm', () => {
    const manifest = (dir: string) =>
      packed.find((p) => p.dir === dir)!.manifest as Packed['manifest'] & {
        peerDependenciesMeta?: Record<string, { optional?: boolean }>;
      };
    expect(manifest('postgres').dependencies).not.toHaveProperty('@types/pg');
    expect(manifest('postgres').peerDependenciesMeta?.['@types/pg']).toEqual({ optional: true });
    expect(manifest('llm').dependencies ?? {}).not.toHaveProperty('zod');
    expect(manifest('llm').peerDependencies).toHaveProperty('zod', '^3.25.0 || ^4.0.0');
  });
});
