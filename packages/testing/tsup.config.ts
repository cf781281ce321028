import { defineConfig } from 'tsup';
import shared from '../../tsup.package.js';

// The shared build plus the `session-service` sub-path (the conformance suite, which imports vitest).
export default defineConfig({
  ...shared,
  entry: ['src/index.ts', 'src/session-service.ts'],
  external: ['vitest'],
});
