import type { DynamicModule } from '@nestjs/common';
import type { Runner } from '@rxagents/core';
import { RunController } from './RunController.js';
import { RUNNER } from './runnerToken.js';

/** The module the dynamic one extends; its controllers and providers come from {@link appModule}. */
class RxAgentsModule {}

/**
 * A Nest module serving `runner` through {@link RunController}. A function rather than a static
 * `@Module` so that the app (or a test) chooses the runner: its agent, model and session service.
 *
 * @example
 * ```ts
 * import { NestFactory } from '@nestjs/core';
 * import { appModule } from './appModule.js';
 * const app = await NestFactory.create(appModule(runner));
 * await app.listen(3000);
 * ```
 */
export function appModule(runner: Runner): DynamicModule {
  return {
    module: RxAgentsModule,
    controllers: [RunController],
    providers: [{ provide: RUNNER, useValue: runner }],
  };
}
