'use strict';
// The conformance suite imports vitest, which cannot be loaded with require(): this entry only
// explains that, in place of vitest's own error from deep inside the bundle.
throw new Error(
  "@rxagents/testing/session-service is ESM-only: it runs inside vitest, which cannot be require()d. Import it from an ES module test file: import { sessionServiceConformance } from '@rxagents/testing/session-service';",
);
