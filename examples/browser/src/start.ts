/**
 * `pnpm --filter @rxagents/example-browser start` builds the page and serves it on
 * http://127.0.0.1:5173/ (or $PORT); `… build` (`--out dist`) writes the static files instead.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildPage } from './build.js';
import { servePage } from './server.js';

const outIndex = process.argv.indexOf('--out');
const files = await buildPage(outIndex !== -1);
if (outIndex !== -1) {
  const dir = process.argv[outIndex + 1] ?? 'dist';
  await mkdir(dir, { recursive: true });
  for (const [path, file] of files) await writeFile(join(dir, path), file.body);
  console.log(`wrote ${[...files.keys()].join(', ')} to ${dir}/`);
} else {
  const server = await servePage(files, Number(process.env.PORT ?? 5173));
  console.log(`StoryFlow in the browser: ${server.url}`);
}
