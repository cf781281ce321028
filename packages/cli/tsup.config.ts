import { defineConfig } from 'tsup';

const common = {
  entry: ['src/index.ts'],
  dts: true,
  sourcemap: true,
  target: 'es2022',
  tsconfig: 'tsconfig.json',
} as const;

// The library entry is dual. log-update and cli-spinners are ESM-only, so the CJS build bundles
// them (require() of ESM needs Node 20.19+/22.12+). The binary is ESM only, with a shebang.
export default defineConfig([
  { ...common, format: ['esm'] },
  { ...common, format: ['cjs'], shims: true, noExternal: ['log-update', 'cli-spinners'] },
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
