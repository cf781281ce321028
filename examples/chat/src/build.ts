import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';

const here = (path: string): string => new URL(path, import.meta.url).pathname;

/** The built page by URL path: `/index.html` and `/app.js` (React + useChat, bundled by esbuild). */
export async function buildChatPage(): Promise<ReadonlyMap<string, { type: string; body: Uint8Array }>> {
  const result = await build({
    entryPoints: { app: here('./page/main.ts') },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    conditions: ['@rxagents/source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    minify: true,
    write: false,
    outdir: '/page',
    logLevel: 'silent',
  });
  const files = new Map<string, { type: string; body: Uint8Array }>();
  files.set('/app.js', { type: 'text/javascript; charset=utf-8', body: result.outputFiles[0]!.contents });
  files.set('/index.html', {
    type: 'text/html; charset=utf-8',
    body: await readFile(here('./page/index.html')),
  });
  return files;
}
