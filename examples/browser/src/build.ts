import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

/** One file of the built page. */
export interface PageFile {
  readonly contentType: string;
  readonly body: Uint8Array;
}

const here = (path: string): string => new URL(path, import.meta.url).pathname;

/**
 * Bundles the page with esbuild for the browser: `page/main.ts` (with `@rxagents/*` taken from
 * their TypeScript sources through the `source` export condition) to `app.js`, the stylesheet
 * to `app.css`, plus `index.html`. Returns the files by URL path; nothing is written to disk.
 *
 * @param minify whether to minify (default false: readable for the demo)
 */
export async function buildPage(minify = false): Promise<ReadonlyMap<string, PageFile>> {
  const result = await build({
    entryPoints: { app: here('./page/main.ts'), app_css: here('./page/styles.css') },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    conditions: ['@rxagents/source'],
    sourcemap: 'inline',
    minify,
    write: false,
    outdir: '/page',
    logLevel: 'silent',
  });
  const files = new Map<string, PageFile>();
  for (const file of result.outputFiles) {
    const name = file.path.endsWith('.css') ? '/app.css' : '/app.js';
    const contentType = name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
    files.set(name, { contentType, body: file.contents });
  }
  const html = await readFile(here('./page/index.html'));
  files.set('/index.html', { contentType: 'text/html; charset=utf-8', body: html });
  return files;
}
