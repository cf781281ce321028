import { defineConfig } from 'tsup';

/**
 * The .d.ts options of every package: members and declarations tagged `@internal` (such as
 * `InvocationContext.commit`, which bypasses the commit rule) are not part of the published types.
 */
export const dts = { compilerOptions: { stripInternal: true } };

/** The build of every library package: ESM + CJS + .d.ts from src/index.ts. */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  tsconfig: 'tsconfig.json',
});
