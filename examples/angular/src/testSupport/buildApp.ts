import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { PageFile } from '../../../browser/src/build.js';

const APP_ROOT = new URL('../..', import.meta.url).pathname;
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * Runs the Angular CLI's production build (`ng build`, the esbuild application builder) into
 * `outDir` and returns the browser files by URL path, for `servePage`.
 */
export function buildApp(outDir: string): Promise<ReadonlyMap<string, PageFile>> {
  const ng = join(APP_ROOT, 'node_modules', '@angular', 'cli', 'bin', 'ng.js');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [ng, 'build', '--configuration', 'production', '--output-path', outDir],
      { cwd: APP_ROOT, env: { ...process.env, NG_CLI_ANALYTICS: 'false', CI: 'true' }, maxBuffer: 1 << 24 },
      (error, stdout, stderr) => {
        if (error !== null) reject(new Error(`ng build failed:\n${stdout}\n${stderr}`));
        else resolve(readBrowserFiles(join(outDir, 'browser')));
      },
    );
  });
}

async function readBrowserFiles(dir: string): Promise<ReadonlyMap<string, PageFile>> {
  const files = new Map<string, PageFile>();
  for (const name of await readdir(dir)) {
    const contentType = TYPES[extname(name)] ?? 'application/octet-stream';
    files.set(`/${name}`, { contentType, body: await readFile(join(dir, name)) });
  }
  return files;
}
