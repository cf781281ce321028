// Test support for the packaging tests: packs every package as it would be published and
// installs the tarballs into a throw-away app, the way a new user gets them (no workspace links,
// no `@rxagents/source` condition: only what the tarballs hold).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
const PNPM = ['-y', 'pnpm@10.34.9'];

/** A package of the workspace, packed. */
export interface Packed {
  /** Directory name under packages/ (`core`, `llm`, …). */
  readonly dir: string;
  readonly manifest: PackageManifest;
  /** Paths inside the tarball, without the leading `package/`. */
  readonly files: readonly string[];
  readonly tarball: string;
}

export interface PackageManifest {
  readonly name: string;
  readonly main?: string;
  readonly module?: string;
  readonly types?: string;
  readonly bin?: Readonly<Record<string, string>>;
  readonly exports: Readonly<Record<string, unknown>>;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
}

export const PACKAGE_DIRS = readdirSync(join(ROOT, 'packages')).filter((d) =>
  existsSync(join(ROOT, 'packages', d, 'package.json')),
);

/** Builds the packages whose dist/ is missing (CI has built them all before the tests run). */
export function ensureBuilt(): void {
  if (PACKAGE_DIRS.every((d) => existsSync(join(ROOT, 'packages', d, 'dist')))) return;
  execFileSync('npx', [...PNPM, 'build'], { cwd: ROOT, stdio: 'ignore' });
}

/** `pnpm pack`s every package into `dest` (pnpm turns `workspace:` ranges into versions). */
export function packAll(dest: string): Packed[] {
  return PACKAGE_DIRS.map((dir) => {
    const cwd = join(ROOT, 'packages', dir);
    const out = execFileSync('npx', [...PNPM, 'pack', '--pack-destination', dest], { cwd, encoding: 'utf8' });
    const tarball = out.trim().split('\n').at(-1)!.trim();
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter((f) => f !== '')
      .map((f) => f.replace(/^package\//, ''));
    const manifest = JSON.parse(
      execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }),
    ) as PackageManifest;
    return { dir, manifest, files, tarball };
  });
}

/** Every file path an `exports` map (all conditions but our source one), `main`, `module`, `types` and `bin` name. */
export function namedFiles(manifest: PackageManifest): string[] {
  const found = new Set<string>();
  const walk = (value: unknown, condition: string): void => {
    if (condition === '@rxagents/source') return;
    if (typeof value === 'string') found.add(value.replace(/^\.\//, ''));
    else if (typeof value === 'object' && value !== null)
      for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  walk(manifest.exports, '');
  for (const field of [manifest.main, manifest.module, manifest.types, ...Object.values(manifest.bin ?? {})])
    if (field !== undefined) found.add(field.replace(/^\.\//, ''));
  return [...found];
}

// Where the workspace has a dependency installed, as seen from one package (pnpm links a
// package's own dependencies, dev ones included, under its node_modules).
function installedDir(dir: string, dep: string): string {
  for (const base of [join(ROOT, 'packages', dir, 'node_modules'), join(ROOT, 'node_modules')]) {
    const candidate = join(base, dep);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${dep} (needed by packages/${dir}) is not installed in the workspace`);
}

/**
 * Makes an app directory with the tarballs extracted under node_modules/@rxagents/ and every
 * third-party dependency and peer linked to the workspace's copy (`overrides` picks another
 * copy for a name, such as zod 3 for `zod`). Returns the app directory.
 */
export function installApp(
  packed: readonly Packed[],
  overrides: Readonly<Record<string, string>> = {},
): string {
  const app = mkdtempSync(join(tmpdir(), 'rxagents-app-'));
  const modules = join(app, 'node_modules');
  const linked = new Set<string>();
  for (const p of packed) {
    const target = join(modules, p.manifest.name);
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', p.tarball, '-C', target, '--strip-components=1']);
    const deps = { ...p.manifest.dependencies, ...p.manifest.peerDependencies };
    for (const dep of Object.keys(deps)) {
      if (dep.startsWith('@rxagents/') || linked.has(dep)) continue;
      linked.add(dep);
      const link = join(modules, dep);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(overrides[dep] ?? installedDir(p.dir, dep), link, 'dir');
    }
  }
  for (const [dep, dir] of Object.entries(overrides)) {
    if (linked.has(dep)) continue;
    mkdirSync(dirname(join(modules, dep)), { recursive: true });
    symlinkSync(dir, join(modules, dep), 'dir');
  }
  return app;
}

/**
 * Runs the workspace's TypeScript on `files` of `app` (emitting JavaScript to `outDir` when one is
 * given); returns the diagnostics, one per line.
 */
export function typecheck(app: string, files: readonly string[], outDir?: string): string[] {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [
    tsc,
    '--strict',
    '--skipLibCheck',
    'false',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
  ];
  args.push(
    '--target',
    'es2022',
    '--types',
    'node',
    ...(outDir === undefined ? ['--noEmit'] : ['--outDir', outDir]),
  );
  args.push(...files);
  try {
    execFileSync(process.execPath, args, { cwd: app, encoding: 'utf8' });
    return [];
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error)
      .split('\n')
      .filter((line) => /error TS\d+/.test(line));
  }
}

/** Links @types/node into the app (the consumer files use node: modules). */
export function withNodeTypes(app: string): void {
  const link = join(app, 'node_modules', '@types', 'node');
  if (!existsSync(link)) {
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', '@types', 'node'), link, 'dir');
  }
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
