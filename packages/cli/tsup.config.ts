import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defineConfig } from 'tsup';
import { dts } from '../../tsup.package.js';

const VENDORED = /^(?:.*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)\/(.+)$/;

/**
 * The CJS bundle inlines log-update, cli-spinners and their dependencies, and its map named their
 * files in this workspace's node_modules, which an installed package does not have. Each bundled
 * file is written to dist/vendor/<package>/ from the map's own sourcesContent (with the package's
 * LICENSE), and the map points there.
 */
function vendorMapSources(): void {
  const mapFile = 'dist/index.cjs.map';
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[]; sourcesContent: string[] };
  map.sources = map.sources.map((source, i) => {
    const match = VENDORED.exec(source);
    if (match === null) return source;
    const [, name, file] = match as unknown as [string, string, string];
    const target = join('dist/vendor', name, file);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, map.sourcesContent[i] ?? '');
    const home = resolve('dist', source.slice(0, source.length - file.length));
    const license = existsSync(home) ? readdirSync(home).find((f) => /^licen[cs]e/i.test(f)) : undefined;
    if (license !== undefined) copyFileSync(join(home, license), join('dist/vendor', name, license));
    return `vendor/${name}/${file}`;
  });
  writeFileSync(mapFile, JSON.stringify(map));
}

const common = {
  entry: ['src/index.ts'],
  dts,
  sourcemap: true,
  target: 'es2022',
  tsconfig: 'tsconfig.json',
} as const;

// The library entry is dual. log-update and cli-spinners are ESM-only, so the CJS build bundles
// them (require() of ESM needs Node 20.19+/22.12+). The binary is ESM only, with a shebang.
export default defineConfig([
  { ...common, format: ['esm'] },
  {
    ...common,
    format: ['cjs'],
    shims: true,
    noExternal: ['log-update', 'cli-spinners'],
    onSuccess: async () => vendorMapSources(),
  },
  {
    entry: ['src/bin.ts'],
    format: ['esm'],
    dts: false,
    sourcemap: true,
    target: 'es2022',
    tsconfig: 'tsconfig.json',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
