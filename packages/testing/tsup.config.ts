import { defineConfig } from 'tsup';
import shared from '../../tsup.package.js';

// The shared build plus the `session-service` sub-path (the conformance suite, which imports
// vitest). That sub-path is ESM only, as vitest is: its `require` condition is cjs/, a stub that
// throws a clear error. Two builds write to dist/, so the build script empties it, not tsup.
export default defineConfig([
  { ...shared, clean: false, external: ['vitest'] },
  { ...shared, entry: ['src/session-service.ts'], format: ['esm'], external: ['vitest'], clean: false },
]);
