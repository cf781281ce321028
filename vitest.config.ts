import { configDefaults, defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the `@rxagents/source` export
// condition, so the tests never depend on a prior build. The name is our own: plain `source` is
// also published by packages such as eventsource-parser (under `ai`), whose .ts files Node cannot load.
export default defineConfig({
  resolve: { conditions: ['@rxagents/source', 'module', 'import', 'default'] },
  // No `module` condition when tests run (in Node): @opentelemetry/api 1.9, the version the
  // OpenTelemetry SDK 2.x peers on, publishes a `module` build with extensionless imports.
  ssr: { resolve: { conditions: ['@rxagents/source', 'default'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'examples/*/src/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    // Type tests (*.test-d.ts) only; whole-project type errors are `pnpm typecheck`'s job.
    typecheck: {
      enabled: true,
      include: ['packages/*/src/**/*.test-d.ts', 'test/**/*.test-d.ts'],
      ignoreSourceErrors: true,
    },
    pool: 'threads',
    projects: [
      {
        extends: true,
        test: {
          name: 'rxagents',
          exclude: [...configDefaults.exclude, 'examples/angular/**', 'examples/nestjs/**'],
        },
      },
      // Angular's decorators (@Component, @Injectable) are TC39 decorators, which Node 20 cannot run:
      // the Angular example's tests compile them as TypeScript's legacy decorators, as Angular's JIT
      // expects. Not `extends: true`, which would add the root include globs to this project's.
      {
        resolve: { conditions: ['@rxagents/source', 'module', 'import', 'default'] },
        ssr: { resolve: { conditions: ['@rxagents/source', 'module', 'default'] } },
        oxc: { decorator: { legacy: true } },
        test: { name: 'angular', include: ['examples/angular/src/**/*.test.ts'], pool: 'threads' },
      },
      // NestJS's decorators (@Controller, @Sse, @Param, @Inject) are TypeScript's legacy decorators,
      // parameter decorators included: its example compiles them so, like the Angular one. Explicit
      // `@Inject` tokens mean no `emitDecoratorMetadata` is needed.
      {
        resolve: { conditions: ['@rxagents/source', 'module', 'import', 'default'] },
        ssr: { resolve: { conditions: ['@rxagents/source', 'default'] } },
        oxc: { decorator: { legacy: true } },
        test: { name: 'nestjs', include: ['examples/nestjs/src/**/*.test.ts'], pool: 'threads' },
      },
      // The bench loads @google/adk, whose OpenTelemetry dependencies publish `module` builds with
      // extensionless imports that Node cannot load: its project resolves without that condition.
      {
        resolve: { conditions: ['@rxagents/source', 'import', 'default'] },
        ssr: { resolve: { conditions: ['@rxagents/source', 'default'] } },
        test: { name: 'bench', include: ['bench/src/**/*.test.ts'], pool: 'threads' },
      },
    ],
  },
});
