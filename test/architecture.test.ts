import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageOf, shippedSources, sourceImports } from './support/sourceImports.js';

// docs/architecture.md is kept true by hand; these checks catch the drifts a reader cannot see
// from the page: a file it names that was moved or renamed, a package importing another that its
// import table does not allow (or not declaring the dependency), an optional peer loaded with the
// package instead of on demand.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
const packages = readdirSync(join(root, 'packages')).filter((p) =>
  existsSync(join(root, 'packages', p, 'package.json')),
);

interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { readonly optional?: boolean }>;
}
const manifest = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as Manifest;

/** Where a path the page names may live: the repository root, a package, or a package's src/. */
function exists(path: string): boolean {
  const bases = ['', ...packages.flatMap((p) => [`packages/${p}/`, `packages/${p}/src/`])];
  return bases.some((base) => existsSync(join(root, base, path)));
}

/** The rows of the import table: package dir → the packages its two columns name. */
function importTable(): Map<string, { readonly may: Set<string>; readonly never: Set<string> }> {
  const names = (cell: string) =>
    new Set(
      packages.filter((p) =>
        new RegExp(`(^|[^\\w/-])${p}([^\\w-]|$)`).test(cell.replace(/@angular\/\S+/g, '')),
      ),
    );
  const rows = new Map<string, { may: Set<string>; never: Set<string> }>();
  for (const line of doc.split('\n')) {
    const match = /^\| `@rxagents\/([\w-]+)` \| (.*) \| (.*) \|$/.exec(line);
    if (match === null) continue;
    // A never cell's parentheses say why (bullmq's names core's registry): not a package it never imports.
    rows.set(match[1]!, { may: names(match[2]!), never: names(match[3]!.replace(/\([^)]*\)/g, '')) });
  }
  return rows;
}

// The `@rxagents/*` packages a package's shipped sources name, with the file of each.
function workspaceEdges(
  dir: string,
): { readonly to: string; readonly file: string; readonly kind: string }[] {
  return shippedSources(join(root, 'packages', dir, 'src')).flatMap((file) =>
    sourceImports(file)
      .filter((i) => i.specifier.startsWith('@rxagents/'))
      .map((i) => ({
        to: packageOf(i.specifier).slice('@rxagents/'.length),
        file: relative(root, file),
        kind: i.kind,
      }))
      .filter((e) => e.to !== dir),
  );
}

// The files loaded with a package's main entry: src/index.ts and what it imports at run time.
function loadedWithMainEntry(dir: string): readonly string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    for (const i of sourceImports(file)) {
      if (i.kind !== 'static' || !i.specifier.startsWith('.')) continue;
      const target = join(dirname(file), i.specifier.replace(/\.js$/, '.ts'));
      visit(existsSync(target) ? target : join(target, 'index.ts'));
    }
  };
  visit(join(root, 'packages', dir, 'src', 'index.ts'));
  return [...seen];
}

describe('docs/architecture.md', () => {
  it('names only files that exist', () => {
    const named = [...doc.matchAll(/`([^`\s]+)`/g)]
      .map((m) => m[1]!)
      .filter(
        (p) => /\w\.(ts|json|md)$/.test(p) || p.endsWith('/') || /^(packages|examples|test|bench)\//.test(p),
      )
      .filter((p) => !/^[@.]/.test(p) && !p.includes('*'));
    expect(named.length).toBeGreaterThan(15);
    expect(named.filter((p) => !exists(p))).toEqual([]);
  });

  it('lists only files of the core that exist in "Inside the core"', () => {
    const block = /## Inside the core\n+```\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const files = [...block.matchAll(/\b([\w-]+\.ts)\b/g)].map((m) => m[1]!);
    const dirs = [...block.matchAll(/^([\w-]+)\/ /gm)].map((m) => m[1]!);
    expect(files.length).toBeGreaterThan(10);
    const core = join(root, 'packages/core/src');
    const all = new Set(shippedSources(core).map((f) => relative(core, f).split('/').pop()!));
    expect(files.filter((f) => !all.has(f))).toEqual([]);
    expect(dirs.filter((d) => !existsSync(join(core, d)))).toEqual([]);
  });

  it('has a row in the import table for every package', () => {
    expect([...importTable().keys()].sort()).toEqual([...packages].sort());
  });

  it.each(packages)(
    '@rxagents/%s imports only the @rxagents packages its row allows, and declares them',
    (dir) => {
      const row = importTable().get(dir)!;
      const declared = manifest(dir);
      const deps = { ...declared.dependencies, ...declared.peerDependencies };
      const edges = workspaceEdges(dir);
      const disallowed = edges.filter((e) => !row.may.has(e.to) || row.never.has(e.to));
      expect(disallowed.map((e) => `${e.file} imports @rxagents/${e.to}`)).toEqual([]);
      const undeclared = edges.filter((e) => deps[`@rxagents/${e.to}`] === undefined);
      expect(undeclared.map((e) => `${e.file}: @rxagents/${e.to} is not in package.json`)).toEqual([]);
      // And the row allows nothing the package could not import: what it names, it depends on.
      const unused = [...row.may].filter((p) => p !== dir && deps[`@rxagents/${p}`] === undefined);
      expect(unused.map((p) => `the row allows @rxagents/${p}, which package.json does not name`)).toEqual(
        [],
      );
    },
  );

  it.each(packages)('@rxagents/%s loads its optional peers on demand only', (dir) => {
    const optional = Object.entries(manifest(dir).peerDependenciesMeta ?? {})
      .filter(([, meta]) => meta.optional === true)
      .map(([name]) => name);
    const loaded = loadedWithMainEntry(dir).flatMap((file) =>
      sourceImports(file)
        .filter((i) => i.kind === 'static' && optional.includes(packageOf(i.specifier)))
        .map((i) => `${relative(root, file)} imports ${i.specifier} with the package`),
    );
    expect(loaded).toEqual([]);
  });

  it('sees the imports a regular expression would get wrong', () => {
    // A TSDoc example's import is no import; `import type` and `typeof import()` are erased.
    const edges = workspaceEdges('bullmq');
    expect(edges.some((e) => e.to === 'postgres')).toBe(false); // startWorker's example names it
    const cli = workspaceEdges('cli');
    expect(cli).toContainEqual({ to: 'postgres', file: 'packages/cli/src/backend.ts', kind: 'dynamic' });
    expect(cli).toContainEqual({ to: 'postgres', file: 'packages/cli/src/backend.ts', kind: 'type' });
  });
});
