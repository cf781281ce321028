import { defineConfig } from 'tsup';
import shared from '../../tsup.package.js';

// The shared build; Angular stays external (a peer dependency, like rxjs and @rxagents/core).
export default defineConfig({ ...shared, external: ['@angular/core', /^@angular\/core\//] });
