import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A module the CLI was asked to load, with its exports. */
export interface LoadedModule {
  /** Absolute path of the file. */
  readonly path: string;
  readonly exports: Readonly<Record<string, unknown>>;
}

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

/**
 * Imports a user module by path: `.js` / `.mjs` / `.cjs` with Node itself, TypeScript
 * (`.ts`, `.mts`, `.cts`, `.tsx`) through `tsx`, which must be resolvable from the module's
 * directory or from the CLI (it is an optional peer dependency). When Node already runs with a
 * TypeScript loader (`node --import tsx`), nothing is registered twice.
 *
 * @example
 * ```ts
 * import { loadModule, resolveTarget } from '@rxagents/cli';
 *
 * const { path, exports } = await loadModule('./agent.ts');
 * const target = resolveTarget(exports);
 * console.log(path, target.kind, target.exportName); // …/agent.ts agent default
 * ```
 * @param file path, relative to `cwd`
 * @param cwd default `process.cwd()`
 */
export async function loadModule(file: string, cwd: string = process.cwd()): Promise<LoadedModule> {
  const path = resolve(cwd, file);
  if (TS_EXTENSIONS.has(extname(path))) await registerTsx(path);
  const exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  return { path, exports };
}

let tsxRegistered = false;

async function registerTsx(modulePath: string): Promise<void> {
  if (tsxRegistered || process.execArgv.some((arg) => arg.includes('tsx'))) return;
  const api = tsxApi(modulePath) ?? tsxApi(fileURLToPath(import.meta.url));
  if (api === undefined) {
    throw new Error(`${modulePath} is TypeScript: install 'tsx' (npm i -D tsx) or build it to .js first`);
  }
  const { register } = (await import(pathToFileURL(api).href)) as { register: () => unknown };
  register();
  tsxRegistered = true;
}

// The ESM entry of `tsx/esm/api` as seen from `from` (require.resolve would give the CJS one).
function tsxApi(from: string): string | undefined {
  try {
    const manifest = createRequire(from).resolve('tsx/package.json');
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
      exports?: Record<string, { import?: { default?: string } | string }>;
    };
    const entry = pkg.exports?.['./esm/api']?.import;
    const target = typeof entry === 'string' ? entry : entry?.default;
    return target === undefined ? undefined : join(dirname(manifest), target);
  } catch {
    return undefined;
  }
}
