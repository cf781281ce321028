import { builtinModules } from 'node:module';
import { build, type Message, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = new URL('../../..', import.meta.url).pathname;
const fixture = (name: string): string => new URL(`./testSupport/fixtures/${name}`, import.meta.url).pathname;

/** Packages that must run unchanged in a browser (DESIGN.md: no `node:` imports). */
const BROWSER_PACKAGES = ['core', 'llm', 'testing'] as const;

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

interface BundleReport {
  readonly errors: readonly string[];
  /** Node built-ins imported by any bundled file, even when marked external or resolved away. */
  readonly nodeImports: readonly string[];
}

/**
 * Bundles an entry for `platform: 'browser'` the way an app bundler would resolve our workspace
 * packages (through the `source` export condition). esbuild fails on a Node built-in it cannot
 * resolve for the browser; the metafile is checked as well, in case a built-in slips through.
 */
async function bundleForBrowser(entry: string): Promise<BundleReport> {
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      conditions: ['@rxagents/source'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    return { errors: [], nodeImports: nodeImportsOf(result.metafile) };
  } catch (error: unknown) {
    const errors = (error as { errors?: readonly Message[] }).errors;
    if (errors === undefined) throw error;
    return {
      errors: errors.map((m) => `${m.location?.file ?? '?'}:${m.location?.line ?? '?'}: ${m.text}`),
      nodeImports: [],
    };
  }
}

function nodeImportsOf(metafile: Metafile): string[] {
  const found: string[] = [];
  for (const [file, input] of Object.entries(metafile.inputs)) {
    for (const imported of input.imports) {
      if (imported.path.startsWith('node:') || NODE_BUILTINS.has(imported.path)) {
        found.push(`${file} imports ${imported.path}`);
      }
    }
  }
  return found;
}

describe('browser safety', () => {
  it.each(BROWSER_PACKAGES)(
    '@rxagents/%s bundles for the browser without Node built-ins',
    async (name) => {
      const report = await bundleForBrowser(`${root}packages/${name}/src/index.ts`);
      expect(report.errors).toEqual([]);
      expect(report.nodeImports).toEqual([]);
    },
    30_000,
  );

  it('fails on a module that imports node:fs and path', async () => {
    const report = await bundleForBrowser(fixture('nodeOnly.ts'));
    expect(report.errors.some((e) => e.includes('"node:fs"'))).toBe(true);
    expect(report.errors.some((e) => e.includes('"path"'))).toBe(true);
  });

  it('passes on a browser-safe module', async () => {
    expect(await bundleForBrowser(fixture('browserSafe.ts'))).toEqual({ errors: [], nodeImports: [] });
  });
});
