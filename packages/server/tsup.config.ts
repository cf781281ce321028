import { defineConfig } from 'tsup';
import shared from '../../tsup.package.js';

// The shared build plus the `node` sub-path (the node:http adapter, the only Node-only code).
export default defineConfig({
  ...shared,
  entry: ['src/index.ts', 'src/node.ts'],
});
